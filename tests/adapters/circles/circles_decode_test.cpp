// Seed 000 (circles): every client frame of every socket decodes to the right
// Action, and what it fans out renders as the seed's server frame.
#include <gtest/gtest.h>

#include "tests/adapters/circles/circles_support.hpp"

namespace gangway::adapters::circles_test {
namespace {

Action publish(std::string type, std::string kind, RoomKey room, Json data) {
  Action a;
  a.type = Action::Type::publish;
  a.request_event = std::move(type);
  a.kind = std::move(kind);
  a.room = std::move(room);
  a.data = std::move(data);
  a.require_joined = true;
  return a;
}

Action decoded(const std::string& frame, const SessionInfo& s) {
  auto got = CirclesAdapter().decode(frame, s);
  EXPECT_TRUE(got.ok()) << frame << ": " << (got.ok() ? "" : got.error().detail);
  return got.ok() ? *got : Action{};
}

// What the fan-out looks like to a receiver after the NATS round trip.
std::string delivered(const Action& a) {
  auto event = parse_event(serialize_event(*a.fanout));
  EXPECT_TRUE(event.has_value());
  auto frame = CirclesAdapter().encode(*event, a.room);
  EXPECT_TRUE(frame.has_value());
  return frame.value_or("");
}

TEST(CirclesDecode, PingIsAnsweredWithPongOnEverySocket) {
  for (const SessionInfo& s : {dm_session(), user_session(), place_session()}) {
    Action a = decoded(R"({ "type": "ping" })", s);
    EXPECT_EQ(a.type, Action::Type::reply);
    EXPECT_EQ(a.request_event, "ping");
    expect_seed_frame(a.reply, R"({ "type": "pong", "timestamp": "2025-..." })");
  }
}

TEST(CirclesDecode, DmTypingGoesToTheOtherParticipant) {
  Action a = decoded(R"({ "type": "typing", "typing": true })", dm_session());
  Action want = publish("typing", "typing", {"dm", "2"}, Json{{"user_id", 8}, {"typing", true}});
  want.fanout = Event{"typing", want.data, Exclude{"8", ""}, std::nullopt};
  expect_action(a, want);
  EXPECT_EQ(a.reply, "");
  expect_seed_frame(delivered(a),
                    R"({ "type": "typing", "user_id": 8, "typing": true, "timestamp": "2025-..." })");
  Action stop = decoded(R"({"type":"typing","typing":false})", dm_session());
  expect_seed_frame(delivered(stop),
                    R"({ "type": "typing", "user_id": 8, "typing": false, "timestamp": "2025-..." })");
}

TEST(CirclesDecode, DmMessageIsPersistedThenBroadcastToBothParticipants) {
  Action a = decoded(R"({ "type": "message", "text": "Hello there" })", dm_session());
  Action want = publish("message", "message", {"dm", "2"},
                        Json{{"thread_id", 2}, {"sender_id", 8}, {"text", "Hello there"}});
  want.persist = true;
  want.fanout = Event{"message", want.data, {}, std::nullopt};
  expect_action(a, want);
  EXPECT_EQ(a.reply, "") << "the sender receives the broadcast like the other participant";
}

TEST(CirclesDecode, MarkReadIsPersistedThenBroadcastAsAReadReceipt) {
  Action a = decoded(R"({ "type": "mark_read" })", dm_session());
  Action want = publish("mark_read", "read", {"dm", "2"}, Json{{"thread_id", 2}, {"user_id", 8}});
  want.persist = true;
  want.fanout = Event{"read_receipt", want.data, {}, std::nullopt};
  expect_action(a, want);
}

TEST(CirclesDecode, ReactionIsAnEphemeralBroadcast) {
  Action a = decoded(R"({ "type": "reaction", "message_id": 35, "reaction": "❤️" })", dm_session());
  Action want = publish("reaction", "reaction", {"dm", "2"},
                        Json{{"message_id", 35}, {"user_id", 8}, {"reaction", "❤️"}});
  want.fanout = Event{"reaction", want.data, {}, std::nullopt};
  expect_action(a, want);
  expect_seed_frame(delivered(a), R"({ "type": "reaction", "message_id": 35, "user_id": 8, "reaction": "❤️" })");
  // A string id is accepted too, and kept a string unless it is a plain number.
  EXPECT_EQ(decoded(R"({"type":"reaction","message_id":"35","reaction":"+1"})", dm_session()).data["message_id"], 35);
  EXPECT_EQ(decoded(R"({"type":"reaction","message_id":"m-35","reaction":"+1"})", dm_session()).data["message_id"],
            "m-35");
}

TEST(CirclesDecode, PlaceTypingGoesToTheOtherAttendees) {
  Action a = decoded(R"({ "type": "typing", "typing": true })", place_session());
  Action want = publish("typing", "typing", {"place", "1"}, Json{{"user_id", 8}, {"typing", true}});
  want.fanout = Event{"typing", want.data, Exclude{"8", ""}, std::nullopt};
  expect_action(a, want);
  expect_seed_frame(delivered(a),
                    R"({ "type": "typing", "user_id": 8, "typing": true, "timestamp": "2025-..." })");
}

TEST(CirclesDecode, PlaceMessageIsEchoedToEveryAttendeeAndNotPersisted) {
  Action a = decoded(R"({ "type": "message", "text": "Anyone around?" })", place_session());
  Action want = publish("message", "message", {"place", "1"},
                        Json{{"place_id", 1}, {"user_id", 8}, {"text", "Anyone around?"}});
  want.fanout = Event{"message", want.data, {}, std::nullopt};
  expect_action(a, want);
  expect_seed_frame(delivered(a), R"({ "type": "message", "place_id": 1, "user_id": 8,
                                       "text": "Anyone around?", "timestamp": "2025-..." })");
}

TEST(CirclesDecode, TextIsKeptAsSent) {
  std::string text = "  two  spaces, \"quotes\", ünïcødé, \\ and a\nnewline ";
  Json frame{{"type", "message"}, {"text", text}};
  EXPECT_EQ(decoded(frame.dump(), dm_session()).data["text"], text);
  std::string longest(kMaxTextBytes, 'x');
  EXPECT_EQ(decoded(Json{{"type", "message"}, {"text", longest}}.dump(), place_session()).data["text"], longest);
}

TEST(CirclesDecode, UnknownFieldsAreIgnored) {
  Action a = decoded(R"({"type":"typing","typing":true,"thread_id":99,"user_id":"6"})", dm_session());
  EXPECT_EQ(a.room, (RoomKey{"dm", "2"})) << "the path decides the room, never the frame";
  EXPECT_EQ(a.data["user_id"], 8) << "the token decides the user";
}

}  // namespace
}  // namespace gangway::adapters::circles_test
