// Every client frame of seed 004, verbatim, decoded into the Action the core
// runs, with the seed's response frame.
#include <gtest/gtest.h>

#include "gateway/core/subject.hpp"
#include "tests/adapters/winkr/winkr_test_util.hpp"

namespace gangway::adapters {
namespace {

using namespace winkr_testing;

Action decoded(const char* frame, const SessionInfo& s = jane()) {
  auto got = WinkrAdapter(noon).decode(frame, s);
  EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.error().detail);
  return got.ok() ? *got : Action{};
}

// The common shape of an action in conversation conv-uuid-1.
void expect_conversation_publish(const Action& a, const std::string& event, const std::string& kind) {
  EXPECT_EQ(a.type, Action::Type::publish);
  EXPECT_EQ(a.request_event, event);
  EXPECT_EQ(a.kind, kind);
  EXPECT_EQ(a.room, (RoomKey{"conversation", "conv-uuid-1"}));
  ASSERT_TRUE(a.authorize.has_value());
  EXPECT_EQ(a.authorize->name, "conversation_access");
  EXPECT_EQ(a.authorize->params, (Params{{"conversation_id", "conv-uuid-1"}}));
  EXPECT_TRUE(a.require_joined);
  EXPECT_EQ(a.presence, Action::Presence::none);
  EXPECT_EQ(a.reply, "");
}

TEST(WinkrDecode, MessageSendIsPersistedThenFannedOutAsMessageNew) {
  Action a = decoded(R"({
  "event": "message:send",
  "data": {
    "conversation_id": "conv-uuid-1",
    "content": "Hey! How are you?",
    "type": "text",
    "metadata": {}
  }
})");
  expect_conversation_publish(a, "message:send", "message");
  EXPECT_TRUE(a.persist);
  EXPECT_EQ(a.data, (Json{{"conversation_id", "conv-uuid-1"},
                          {"content", "Hey! How are you?"},
                          {"type", "text"},
                          {"metadata", Json::object()}}));
  ASSERT_TRUE(a.fanout.has_value());
  EXPECT_EQ(a.fanout->name, "message:new");
  EXPECT_TRUE(a.fanout->exclude.empty()) << "message:new is also the sender's response event";
  EXPECT_EQ(a.fanout->data["message"]["sender_id"], "user-uuid-2");
  EXPECT_EQ(a.fanout->data["message"]["is_read"], false);
  EXPECT_EQ(a.fanout->data["sender"], (Json{{"id", "user-uuid-2"}, {"username", "jane_doe"}}));
}

TEST(WinkrDecode, MessageSendDefaultsAndKeepsMetadata) {
  Action a = decoded(
      R"({"event":"message:send","data":{"conversation_id":"c","content":"hi","metadata":{"reply_to":"m1"}}})");
  EXPECT_EQ(a.data["type"], "text");
  EXPECT_EQ(a.data["metadata"], (Json{{"reply_to", "m1"}}));
  a = decoded(R"({"event":"message:send","data":{"conversation_id":"c","content":"hi","metadata":null}})");
  EXPECT_EQ(a.data["metadata"], Json::object());
}

TEST(WinkrDecode, EveryMessageTypeOfTheTableIsAccepted) {
  for (const char* type : {"text", "photo", "photo_ephemeral", "location", "system", "gift"}) {
    std::string frame =
        std::string(R"({"event":"message:send","data":{"conversation_id":"c","content":"x","type":")") +
        type + "\"}}";
    auto got = WinkrAdapter(noon).decode(frame, jane());
    ASSERT_TRUE(got.ok()) << type;
    EXPECT_EQ(got->data["type"], type);
  }
}

TEST(WinkrDecode, NonTextMessagesMayHaveEmptyContent) {
  Action a = decoded(
      R"({"event":"message:send","data":{"conversation_id":"c","content":"","type":"location","metadata":{"lat":1.5,"lng":2}}})");
  EXPECT_EQ(a.data["content"], "");
  EXPECT_EQ(a.data["metadata"]["lat"], 1.5);
}

TEST(WinkrDecode, TextLimitCountsCharactersNotBytes) {
  std::string two_thousand;
  for (int i = 0; i < 2000; ++i) two_thousand += "\xC3\xA9";  // é: 2 bytes, 1 character
  std::string frame =
      R"({"event":"message:send","data":{"conversation_id":"c","content":")" + two_thousand + "\"}}";
  auto got = WinkrAdapter(noon).decode(frame, jane());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data["content"].get<std::string>().size(), 4000u);

  std::string emoji(2000, 'a');
  emoji.replace(0, 1, "\xF0\x9F\x98\x80");  // one 4-byte character instead of an 'a'
  frame = R"({"event":"message:send","data":{"conversation_id":"c","content":")" + emoji + "\"}}";
  EXPECT_TRUE(WinkrAdapter(noon).decode(frame, jane()).ok());
}

TEST(WinkrDecode, MessageReadIsPersistedThenFannedOutAsMessageViewed) {
  Action a = decoded(R"({
  "event": "message:read",
  "data": {
    "conversation_id": "conv-uuid-1",
    "message_id": "msg-uuid-1"
  }
})");
  expect_conversation_publish(a, "message:read", "read");
  EXPECT_TRUE(a.persist);
  EXPECT_EQ(a.data, (Json{{"conversation_id", "conv-uuid-1"}, {"message_id", "msg-uuid-1"}}));
  ASSERT_TRUE(a.fanout.has_value());
  EXPECT_EQ(a.fanout->name, "message:viewed");
  EXPECT_TRUE(a.fanout->exclude.empty());
  EXPECT_EQ(a.fanout->data,
            (Json{{"message_id", "msg-uuid-1"}, {"conversation_id", "conv-uuid-1"}, {"viewed_at", noon()}}));
}

TEST(WinkrDecode, MessageDeleteIsPersistedThenFannedOutAsMessageDeleted) {
  Action a = decoded(R"({
  "event": "message:delete",
  "data": {
    "conversation_id": "conv-uuid-1",
    "message_id": "msg-uuid-1"
  }
})");
  expect_conversation_publish(a, "message:delete", "delete");
  EXPECT_TRUE(a.persist);
  EXPECT_EQ(a.data, (Json{{"conversation_id", "conv-uuid-1"}, {"message_id", "msg-uuid-1"}}));
  ASSERT_TRUE(a.fanout.has_value());
  EXPECT_EQ(a.fanout->name, "message:deleted");
  EXPECT_TRUE(a.fanout->exclude.empty());
  EXPECT_EQ(a.fanout->data, (Json{{"message_id", "msg-uuid-1"},
                                  {"conversation_id", "conv-uuid-1"},
                                  {"deleted_by", "user-uuid-2"},
                                  {"deleted_at", noon()}}));
}

constexpr const char* kSeedTypingIndicator = R"({
  "event": "typing:indicator",
  "data": {
    "conversation_id": "conv-uuid-1",
    "user_id": "user-uuid-2",
    "username": "jane_doe",
    "is_typing": true,
    "timestamp": "2025-01-01T12:00:00Z"
  }
})";

TEST(WinkrDecode, TypingStartAndStopGoToTheOtherUserAsTypingIndicator) {
  for (bool start : {true, false}) {
    SCOPED_TRACE(start ? "start" : "stop");
    std::string event = start ? "typing:start" : "typing:stop";
    std::string frame =
        "{\n  \"event\": \"" + event + "\",\n  \"data\": {\n    \"conversation_id\": \"conv-uuid-1\"\n  }\n}";
    Action a = decoded(frame.c_str());
    expect_conversation_publish(a, event, "typing");
    EXPECT_FALSE(a.persist);
    EXPECT_EQ(a.data, (Json{{"conversation_id", "conv-uuid-1"},
                            {"user_id", "user-uuid-2"},
                            {"username", "jane_doe"},
                            {"is_typing", start},
                            {"timestamp", noon()}}));
    ASSERT_TRUE(a.fanout.has_value());
    EXPECT_EQ(a.fanout->name, "typing:indicator");
    EXPECT_EQ(a.fanout->exclude.user, "user-uuid-2");
    EXPECT_EQ(a.fanout->exclude.conn, "");
    // Through NATS and back, rendered for the other participant.
    auto event_back = parse_event(serialize_event(*a.fanout));
    ASSERT_TRUE(event_back.has_value());
    auto out = WinkrAdapter(noon).encode(*event_back, a.room);
    ASSERT_TRUE(out);
    Json want = Json::parse(stamped(kSeedTypingIndicator));
    want["data"]["is_typing"] = start;
    EXPECT_EQ(Json::parse(*out), want);
    if (start) expect_seed(*out, kSeedTypingIndicator);
  }
}

TEST(WinkrDecode, ConversationJoinSubscribesAndAnnouncesTheUserOnline) {
  Action a = decoded(R"({
  "event": "conversation:join",
  "data": {
    "conversation_id": "conv-uuid-1"
  }
})");
  EXPECT_EQ(a.type, Action::Type::subscribe);
  EXPECT_EQ(a.request_event, "conversation:join");
  EXPECT_EQ(a.room, (RoomKey{"conversation", "conv-uuid-1"}));
  ASSERT_TRUE(a.authorize.has_value());
  EXPECT_EQ(a.authorize->name, "conversation_access");
  EXPECT_EQ(a.authorize->params, (Params{{"conversation_id", "conv-uuid-1"}}));
  EXPECT_FALSE(a.require_joined);
  EXPECT_FALSE(a.persist);
  expect_seed(a.reply, R"({
  "event": "conversation:joined",
  "data": {
    "conversation_id": "conv-uuid-1",
    "joined_at": "2025-01-01T12:00:00Z"
  }
})");
  EXPECT_EQ(a.kind, "presence");
  EXPECT_EQ(a.presence, Action::Presence::online);
  EXPECT_EQ(a.data,
            (Json{{"conversation_id", "conv-uuid-1"}, {"user_id", "user-uuid-2"}, {"status", "online"}}));
  ASSERT_TRUE(a.fanout.has_value());
  EXPECT_EQ(a.fanout->name, "user:online");
  EXPECT_EQ(a.fanout->exclude.user, "user-uuid-2");
  auto out = WinkrAdapter(noon).encode(*parse_event(serialize_event(*a.fanout)), a.room);
  ASSERT_TRUE(out);
  expect_seed(*out, R"({
  "event": "user:online",
  "data": {
    "user_id": "user-uuid-2",
    "username": "jane_doe",
    "online_at": "2025-01-01T12:00:00Z"
  }
})");
}

TEST(WinkrDecode, ConversationLeaveUnsubscribesAndAnswersConversationLeft) {
  Action a = decoded(R"({
  "event": "conversation:leave",
  "data": {
    "conversation_id": "conv-uuid-1"
  }
})");
  EXPECT_EQ(a.type, Action::Type::unsubscribe);
  EXPECT_EQ(a.request_event, "conversation:leave");
  EXPECT_EQ(a.room, (RoomKey{"conversation", "conv-uuid-1"}));
  EXPECT_FALSE(a.authorize.has_value());
  EXPECT_FALSE(a.fanout.has_value());
  expect_seed(a.reply, R"({
  "event": "conversation:left",
  "data": {
    "conversation_id": "conv-uuid-1",
    "left_at": "2025-01-01T12:00:00Z"
  }
})");
}

TEST(WinkrDecode, UserStatusPublishesPresenceOnTheUserRoom) {
  Action a = decoded(R"({
  "event": "user:status",
  "data": {
    "status": "online"
  }
})");
  EXPECT_EQ(a.type, Action::Type::publish);
  EXPECT_EQ(a.request_event, "user:status");
  EXPECT_EQ(a.kind, "presence");
  EXPECT_EQ(a.room, (RoomKey{"user", "user-uuid-2"}));
  EXPECT_EQ(a.data, (Json{{"user_id", "user-uuid-2"}, {"status", "online"}}));
  EXPECT_FALSE(a.authorize.has_value());
  EXPECT_FALSE(a.require_joined);
  EXPECT_FALSE(a.fanout.has_value());
  EXPECT_EQ(a.reply, R"({"event":"user:status_updated","data":{"user_id":"user-uuid-2","status":"online",)"
                     R"("updated_at":"2025-01-01T12:00:00Z"},"timestamp":"2025-01-01T12:00:00Z"})");
  for (const char* status : {"away", "offline"}) {
    auto got = WinkrAdapter(noon).decode(
        std::string(R"({"event":"user:status","data":{"status":")") + status + "\"}}", jane());
    ASSERT_TRUE(got.ok()) << status;
    EXPECT_EQ(got->data["status"], status);
  }
}

TEST(WinkrDecode, ExtraFieldsAndAClientTimestampAreIgnored) {
  Action a = decoded(
      R"({"event":"conversation:leave","data":{"conversation_id":"c","x":[1]},"timestamp":"2025-01-01T12:00:00Z","y":2})");
  EXPECT_EQ(a.room, (RoomKey{"conversation", "c"}));
}

TEST(WinkrDecode, IntegerIdsAreDecimalStrings) {
  Action a = decoded(R"({"event":"message:read","data":{"conversation_id":42,"message_id":7}})");
  EXPECT_EQ(a.room, (RoomKey{"conversation", "42"}));
  EXPECT_EQ(a.data, (Json{{"conversation_id", "42"}, {"message_id", "7"}}));
}

TEST(WinkrDecode, LongestValidIdIsAccepted) {
  std::string id(kMaxIdLength, 'a');
  Action a = decoded((R"({"event":"conversation:join","data":{"conversation_id":")" + id + "\"}}").c_str());
  EXPECT_EQ(a.room.id, id);
}

}  // namespace
}  // namespace gangway::adapters
