// Every server event of seed 001, from the NATS body a REST service publishes
// to the frame the client reads, byte for byte.
#include <gtest/gtest.h>

#include "tests/adapters/frame_assertions.hpp"
#include "tests/adapters/pythia/pythia_test_util.hpp"

namespace gangway::adapters {
namespace {

using namespace pythia_testing;
using testing::expect_seed_frame;

// The body a backend publishes: the seed frame's payload, keys sorted as they
// arrive from NATS, without "type" and "timestamp".
std::optional<std::string> publish_and_encode(const std::string& name, const Json& data,
                                              const RoomKey& room) {
  Json body{{"event", name}, {"data", data}};
  auto event = parse_event(body.dump());
  if (!event) return std::nullopt;
  return adapter().encode(*event, room);
}

const RoomKey kChannelRoom{"channel", "channel-uuid"};

TEST(PythiaEncode, NewMessage) {
  const char* seed = R"({
  "type": "new_message",
  "data": {
    "id": "message-uuid",
    "content": "Hello everyone!",
    "channelId": "channel-uuid",
    "userId": "user-uuid",
    "createdAt": "2024-01-07T10:30:00Z",
    "updatedAt": "2024-01-07T10:30:00Z",
    "user": {
      "id": "user-uuid",
      "username": "john_doe",
      "email": "john@example.com"
    }
  },
  "timestamp": "2024-01-07T10:30:00Z"
})";
  auto frame = publish_and_encode("new_message", Json::parse(seed)["data"], kChannelRoom);
  ASSERT_TRUE(frame);
  expect_seed_frame(*frame, seed);
}

TEST(PythiaEncode, MessageReactionTakesTheMessageIdOutOfItsData) {
  const char* seed = R"({
  "type": "message_reaction",
  "message_id": "message-uuid",
  "data": {
    "emoji": "👍",
    "user_id": "user-uuid",
    "username": "john_doe",
    "action": "add"
  },
  "timestamp": "2024-01-07T10:30:00Z"
})";
  Json data = Json::parse(seed)["data"];
  data["message_id"] = "message-uuid";
  auto frame = publish_and_encode("message_reaction", data, kChannelRoom);
  ASSERT_TRUE(frame);
  expect_seed_frame(*frame, seed);
}

TEST(PythiaEncode, TypingIndicator) {
  const char* seed = R"({
  "type": "typing_indicator",
  "user_id": "user-uuid",
  "channel_id": "channel-uuid",
  "is_typing": true,
  "timestamp": "2024-01-07T10:30:00Z"
})";
  Json data{{"user_id", "user-uuid"}, {"channel_id", "channel-uuid"}, {"is_typing", true}};
  auto frame = publish_and_encode("typing_indicator", data, kChannelRoom);
  ASSERT_TRUE(frame);
  expect_seed_frame(*frame, seed);
}

TEST(PythiaEncode, UserStatus) {
  const char* seed = R"({
  "type": "user_status",
  "user_id": "user-uuid",
  "status": "online",
  "timestamp": "2024-01-07T10:30:00Z"
})";
  auto frame =
      publish_and_encode("user_status", Json{{"status", "online"}, {"user_id", "user-uuid"}}, kChannelRoom);
  ASSERT_TRUE(frame);
  expect_seed_frame(*frame, seed);
}

TEST(PythiaEncode, UserJoinedAndUserLeft) {
  for (const char* type : {"user_joined", "user_left"}) {
    SCOPED_TRACE(type);
    std::string seed = std::string(R"({
  "type": ")") + type + R"(",
  "user_id": "user-uuid",
  "channel_id": "channel-uuid",
  "timestamp": "2024-01-07T10:30:00Z"
})";
    auto frame = publish_and_encode(type, Json{{"channel_id", "channel-uuid"}, {"user_id", "user-uuid"}},
                                    kChannelRoom);
    ASSERT_TRUE(frame);
    expect_seed_frame(*frame, seed);
    // A backend may leave channel_id to the room it publishes on.
    frame = publish_and_encode(type, Json{{"user_id", "user-uuid"}}, kChannelRoom);
    ASSERT_TRUE(frame);
    expect_seed_frame(*frame, seed);
  }
}

TEST(PythiaEncode, MentionNotification) {
  const char* seed = R"({
  "type": "mention_notification",
  "data": {
    "message_id": "message-uuid",
    "channel_id": "channel-uuid",
    "content": "Hey @john_doe, check this out!",
    "from_user_id": "sender-uuid",
    "from_username": "jane_doe"
  },
  "timestamp": "2024-01-07T10:30:00Z"
})";
  auto frame = publish_and_encode("mention_notification", Json::parse(seed)["data"], {"user", "user-uuid"});
  ASSERT_TRUE(frame);
  expect_seed_frame(*frame, seed);
}

TEST(PythiaEncode, FlatFramesKeepOnlyTheSeedsKeys) {
  Json data{{"user_id", "u"}, {"status", "offline"}, {"secret", "x"}, {"timestamp", "t"}};
  EXPECT_EQ(publish_and_encode("user_status", data, kChannelRoom),
            R"({"type":"user_status","user_id":"u","status":"offline","timestamp":"2024-01-07T10:30:00Z"})");
  // Outside a channel room there is nothing to fall back on.
  EXPECT_EQ(publish_and_encode("user_left", Json{{"user_id", "u"}}, {"user", "u"}),
            R"({"type":"user_left","user_id":"u","timestamp":"2024-01-07T10:30:00Z"})");
  EXPECT_EQ(publish_and_encode("typing_indicator", Json(3), kChannelRoom),
            R"({"type":"typing_indicator","channel_id":"channel-uuid","timestamp":"2024-01-07T10:30:00Z"})");
}

TEST(PythiaEncode, TheDataWinsOverTheRoomForChannelId) {
  EXPECT_EQ(
      publish_and_encode("user_joined", Json{{"user_id", "u"}, {"channel_id", "other"}}, kChannelRoom),
      R"({"type":"user_joined","user_id":"u","channel_id":"other","timestamp":"2024-01-07T10:30:00Z"})");
}

TEST(PythiaEncode, NewMessageKeepsFieldsTheSeedDoesNotList) {
  Json data{{"id", "m"}, {"attachments", Json::array({{{"url", "u"}}})}, {"content", "c"}};
  EXPECT_EQ(publish_and_encode("new_message", data, kChannelRoom),
            R"({"type":"new_message","data":{"id":"m","content":"c","attachments":[{"url":"u"}]},)"
            R"("timestamp":"2024-01-07T10:30:00Z"})");
}

TEST(PythiaEncode, OtherEventsAreRenderedWithTheirData) {
  EXPECT_EQ(publish_and_encode("channel_updated", Json{{"name", "n"}, {"id", "c"}}, kChannelRoom),
            R"({"type":"channel_updated","data":{"id":"c","name":"n"},"timestamp":"2024-01-07T10:30:00Z"})");
  EXPECT_EQ(publish_and_encode("announcement", Json::object(), {"all", ""}),
            R"({"type":"announcement","data":{},"timestamp":"2024-01-07T10:30:00Z"})");
}

TEST(PythiaEncode, PreRenderedFramesAreForwardedAsIs) {
  Event e;
  e.frame = Json{{"type", "custom"}, {"x", 1}};
  EXPECT_EQ(adapter().encode(e, kChannelRoom), R"({"type":"custom","x":1})");
}

TEST(PythiaEncode, AnEventWithoutANameIsNotShown) {
  EXPECT_EQ(adapter().encode(Event{"", Json::object(), {}, std::nullopt}, kChannelRoom), std::nullopt);
}

TEST(PythiaEncode, InvalidUtf8FromTheBackendNeverThrows) {
  auto frame = adapter().encode(Event{"new_message", Json{{"content", "bad \xff byte"}}, {}, std::nullopt},
                                kChannelRoom);
  ASSERT_TRUE(frame);
  EXPECT_EQ(Json::parse(*frame)["data"]["content"], "bad \xEF\xBF\xBD byte");
  auto reaction =
      adapter().encode(Event{"message_reaction", Json{{"emoji", "\xff"}}, {}, std::nullopt}, kChannelRoom);
  ASSERT_TRUE(reaction);
  EXPECT_EQ(Json::parse(*reaction)["data"]["emoji"], "\xEF\xBF\xBD");
}

TEST(PythiaEncode, ReactionWithoutMessageIdOrObjectData) {
  EXPECT_EQ(publish_and_encode("message_reaction", Json{{"emoji", "x"}}, kChannelRoom),
            R"({"type":"message_reaction","data":{"emoji":"x"},"timestamp":"2024-01-07T10:30:00Z"})");
  EXPECT_EQ(publish_and_encode("message_reaction", Json("x"), kChannelRoom),
            R"({"type":"message_reaction","data":"x","timestamp":"2024-01-07T10:30:00Z"})");
}

}  // namespace
}  // namespace gangway::adapters
