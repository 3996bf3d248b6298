// Seed 003's server frames, byte for byte, from what reaches the gateway on NATS.
#include <gtest/gtest.h>

#include "adapters/social/social_adapter.hpp"
#include "gateway/core/clock.hpp"
#include "tests/adapters/frame_assertions.hpp"

namespace gangway::adapters {
namespace social_encode_test {  // its own: the unity build compiles it with other test files
namespace {

using testing::expect_seed_frame;

constexpr const char* kSeedPrivate = R"({
  "type": "private",
  "to": 123,
  "content": "Hello there!",
  "timestamp": 1640995200
})";

constexpr const char* kSeedGroup = R"({
  "type": "group",
  "group_id": "456",
  "content": "Hello everyone!",
  "timestamp": 1640995200
})";

constexpr const char* kSeedBroadcast = R"({
  "type": "broadcast",
  "content": "System maintenance in 10 minutes",
  "timestamp": 1640995200
})";

constexpr const char* kSeedNotification = R"({
  "type": "notification",
  "subtype": "group_invite",
  "message": "You were invited to join group 'Developers'",
  "group_id": 789,
  "timestamp": 1640995200
})";

SessionInfo session() {
  SessionInfo s;
  s.app = "social";
  s.conn_id = "conn-1";
  s.user = Principal{"7", "alice", "alice", true};
  return s;
}

// A gw.out body as it arrives from NATS (keys sorted by the JSON library).
Event from_nats(const Json& body) {
  auto e = parse_event(body.dump());
  EXPECT_TRUE(e.has_value());
  return e.value_or(Event{});
}

std::string encoded(const Event& e, const RoomKey& room) {
  auto frame = SocialAdapter().encode(e, room);
  EXPECT_TRUE(frame.has_value());
  return frame.value_or("");
}

// The client's frame, decoded, fanned out through NATS and encoded for the recipient.
std::string round_trip(const char* client_frame) {
  SocialAdapter a;
  auto action = a.decode(client_frame, session());
  EXPECT_TRUE(action.ok());
  if (!action.ok()) return "";
  return encoded(from_nats(Json::parse(serialize_event(*action->fanout))), action->room);
}

TEST(SocialEncode, EveryClientMessageReachesItsRecipientsAsTheSeedsFrame) {
  expect_seed_frame(round_trip(kSeedPrivate), kSeedPrivate);
  expect_seed_frame(round_trip(kSeedGroup), kSeedGroup);
  expect_seed_frame(round_trip(kSeedBroadcast), kSeedBroadcast);
}

TEST(SocialEncode, AStoredMessageShowsOnlyTheSeedsFields) {
  // What the backend's store endpoint answers; it replaces the fan-out's data.
  Json stored_private{{"id", 41},
                      {"type", "private"},
                      {"from", 7},
                      {"to", 123},
                      {"content", "Hello there!"},
                      {"timestamp", 1640995200},
                      {"created_at", "2022-01-01T00:00:00Z"}};
  expect_seed_frame(encoded(from_nats({{"event", "private"}, {"data", stored_private}}), {"user", "123"}),
                    kSeedPrivate);
  Json stored_group{{"id", 42},
                    {"type", "group"},
                    {"from", 7},
                    {"group_id", 456},
                    {"content", "Hello everyone!"},
                    {"timestamp", 1640995200}};
  expect_seed_frame(
      encoded(from_nats({{"event", "group"}, {"data", stored_group}, {"exclude", {{"user", "7"}}}}),
              {"group", "456"}),
      kSeedGroup);
}

TEST(SocialEncode, TheSeedsNotificationFromTheBackend) {
  Json data{{"subtype", "group_invite"},
            {"message", "You were invited to join group 'Developers'"},
            {"group_id", 789},
            {"timestamp", 1640995200}};
  expect_seed_frame(encoded(from_nats({{"event", "notification"}, {"data", data}}), {"user", "2"}),
                    kSeedNotification);
}

TEST(SocialEncode, EverySeedNotificationSubtypeIsShown) {
  for (const char* subtype : {"group_invite", "friend_request", "friend_accept", "new_post", "post_like",
                              "post_comment", "new_event", "event_rsvp"}) {
    SCOPED_TRACE(subtype);
    Json data{{"subtype", subtype}, {"message", "m"}, {"timestamp", 1}};
    EXPECT_EQ(
        encoded(from_nats({{"event", "notification"}, {"data", data}}), {"user", "2"}),
        std::string(R"({"type":"notification","subtype":")") + subtype + R"(","message":"m","timestamp":1})");
  }
}

TEST(SocialEncode, ANotificationsOwnFieldsSitBetweenMessageAndTimestamp) {
  Json data{{"timestamp", 9},     {"subtype", "post_comment"},  {"post_id", 12},
            {"comment_id", "c1"}, {"message", "Bob commented"}, {"type", "ignored"}};
  EXPECT_EQ(encoded(Event{"notification", data, {}, std::nullopt}, {"user", "2"}),
            R"({"type":"notification","subtype":"post_comment","message":"Bob commented",)"
            R"("comment_id":"c1","post_id":12,"timestamp":9})");
}

TEST(SocialEncode, AMissingTimestampIsNow) {
  std::int64_t before = unix_now();
  std::string frame = encoded(Event{"broadcast", {{"content", "hi"}}, {}, std::nullopt}, {"all", ""});
  Json j = Json::parse(frame);
  EXPECT_GE(j.at("timestamp").get<std::int64_t>(), before);
  EXPECT_LE(j.at("timestamp").get<std::int64_t>(), unix_now());
  EXPECT_EQ(frame.rfind(R"({"type":"broadcast","content":"hi","timestamp":)", 0), 0u);
  // A timestamp in another shape is replaced too.
  Json n = Json::parse(encoded(
      Event{
          "notification", {{"subtype", "new_post"}, {"message", "m"}, {"timestamp", "x"}}, {}, std::nullopt},
      {"user", "2"}));
  EXPECT_TRUE(n.at("timestamp").is_number_integer());
}

TEST(SocialEncode, RecipientAndGroupDefaultToTheRoom) {
  EXPECT_EQ(
      encoded(Event{"private", {{"content", "c"}, {"timestamp", 1}}, {}, std::nullopt}, {"user", "123"}),
      R"({"type":"private","to":123,"content":"c","timestamp":1})");
  EXPECT_EQ(encoded(Event{"group", {{"content", "c"}, {"timestamp", 1}}, {}, std::nullopt}, {"group", "456"}),
            R"({"type":"group","group_id":"456","content":"c","timestamp":1})");
}

TEST(SocialEncode, NumericIdsAreNumbersOnlyWhereTheSeedShowsNumbers) {
  // `to` is a number when numeric; group_id is always the seed's string.
  EXPECT_EQ(encoded(Event{"private", {{"to", "123"}, {"content", "c"}, {"timestamp", 1}}, {}, std::nullopt},
                    {"user", "123"}),
            R"({"type":"private","to":123,"content":"c","timestamp":1})");
  EXPECT_EQ(encoded(Event{"private", {{"to", "u-9"}, {"content", "c"}, {"timestamp", 1}}, {}, std::nullopt},
                    {"user", "u-9"}),
            R"({"type":"private","to":"u-9","content":"c","timestamp":1})");
  EXPECT_EQ(encoded(Event{"group", {{"group_id", 456}, {"content", "c"}, {"timestamp", 1}}, {}, std::nullopt},
                    {"group", "456"}),
            R"({"type":"group","group_id":"456","content":"c","timestamp":1})");
}

TEST(SocialEncode, RawFramesAreForwardedAsIs) {
  Event e;
  e.frame = Json{{"type", "custom"}, {"x", 1}};
  EXPECT_EQ(encoded(from_nats({{"frame", *e.frame}}), {"all", ""}), R"({"type":"custom","x":1})");
}

TEST(SocialEncode, EventsTheSeedCannotShowAreDropped) {
  SocialAdapter a;
  const RoomKey user{"user", "2"};
  EXPECT_FALSE(a.encode(Event{"message.new", {{"content", "c"}}, {}, std::nullopt}, user));
  EXPECT_FALSE(a.encode(Event{"", {{"content", "c"}}, {}, std::nullopt}, user));
  EXPECT_FALSE(a.encode(Event{"private", {{"to", 3}}, {}, std::nullopt}, user));       // no content
  EXPECT_FALSE(a.encode(Event{"private", {{"content", 5}}, {}, std::nullopt}, user));  // content not text
  EXPECT_FALSE(
      a.encode(Event{"private", {{"content", "c"}}, {}, std::nullopt}, {"all", ""}));  // no recipient
  EXPECT_FALSE(a.encode(Event{"group", {{"content", "c"}}, {}, std::nullopt}, user));  // no group
  EXPECT_FALSE(a.encode(Event{"broadcast", Json::object(), {}, std::nullopt}, {"all", ""}));
  EXPECT_FALSE(a.encode(Event{"notification", {{"message", "m"}}, {}, std::nullopt}, user));
  EXPECT_FALSE(a.encode(Event{"notification", {{"subtype", ""}, {"message", "m"}}, {}, std::nullopt}, user));
  EXPECT_FALSE(a.encode(Event{"notification", {{"subtype", "new_post"}}, {}, std::nullopt}, user));
  EXPECT_FALSE(a.encode(Event{"broadcast", Json::array({1}), {}, std::nullopt}, {"all", ""}));
  EXPECT_FALSE(a.encode(Event{"broadcast", "text", {}, std::nullopt}, {"all", ""}));
}

TEST(SocialEncode, InvalidUtf8FromTheBackendIsReplacedNotThrown) {
  auto frame = SocialAdapter().encode(
      Event{"broadcast", {{"content", "a\xff"}, {"timestamp", 1}}, {}, std::nullopt}, {"all", ""});
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(*frame, "{\"type\":\"broadcast\",\"content\":\"a\xef\xbf\xbd\",\"timestamp\":1}");
}

}  // namespace
}  // namespace social_encode_test
}  // namespace gangway::adapters
