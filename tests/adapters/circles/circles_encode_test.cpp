// Seed 000 (circles): every server event, as published on NATS (data with
// sorted keys), renders as the seed's frame byte for byte.
#include <gtest/gtest.h>

#include "tests/adapters/circles/circles_support.hpp"

namespace gangway::adapters::circles_test {
namespace {

// The event as it arrives from NATS: the body round-trips through JSON.
std::string encode(std::string name, const char* data_json, RoomKey room, Exclude exclude = {}) {
  Event sent{std::move(name), Json::parse(data_json), std::move(exclude), std::nullopt};
  auto event = parse_event(serialize_event(sent));
  EXPECT_TRUE(event.has_value());
  auto frame = CirclesAdapter().encode(*event, room);
  EXPECT_TRUE(frame.has_value());
  return frame.value_or("");
}

// What the backend's message store answers; it replaces the fan-out's data.
constexpr const char* kStoredMessage = R"({
  "created_at": "2025-01-05T10:00:00Z", "id": 35,
  "sender_info": {"avatar_url": null, "id": 8, "name": "Maya Patel"},
  "sender_id": 8, "text": "Hello there", "thread_id": 2})";

TEST(CirclesEncode, StoredDmMessage) {
  expect_seed_frame(encode("message", kStoredMessage, {"dm", "2"}), R"({
      "type": "message",
      "message": {
        "id": 35,
        "thread_id": 2,
        "sender_id": 8,
        "text": "Hello there",
        "created_at": "2025-01-05T10:00:00Z",
        "sender_info": { "id": 8, "name": "Maya Patel", "avatar_url": null }
      },
      "timestamp": "2025-..."
    })");
}

TEST(CirclesEncode, ReadReceiptFromTheBackendsAnswer) {
  expect_seed_frame(encode("read_receipt", R"({"last_read_at":"2025-01-05T10:01:00Z","user_id":8})", {"dm", "2"}),
                    R"({
      "type": "read_receipt",
      "user_id": 8,
      "last_read_at": "2025-01-05T10:01:00Z",
      "timestamp": "2025-..."
    })");
}

TEST(CirclesEncode, Presence) {
  expect_seed_frame(encode("presence", R"({"online":true,"user_id":6})", {"dm", "2"}),
                    R"({ "type": "presence", "user_id": 6, "online": true, "timestamp": "2025-..." })");
  expect_seed_frame(encode("presence", R"({"online":false,"user_id":6})", {"dm", "2"}),
                    R"({ "type": "presence", "user_id": 6, "online": false, "timestamp": "2025-..." })");
}

TEST(CirclesEncode, ReactionInAThread) {
  expect_seed_frame(encode("reaction", R"({"message_id":35,"reaction":"❤️","user_id":6})", {"dm", "2"}),
                    R"({ "type": "reaction", "message_id": 35, "user_id": 6, "reaction": "❤️" })");
}

// The user socket's notifications, published by the REST DM endpoints on user/<id>.
TEST(CirclesEncode, UserNotifications) {
  RoomKey me{"user", "8"};
  expect_seed_frame(encode("dm_message", R"({"from_user":6,"message_id":35,"text":"hi","thread_id":2})", me),
                    R"({ "type": "dm_message", "thread_id": 2, "message_id": 35, "from_user": 6, "text": "hi" })");
  expect_seed_frame(encode("dm_reply", R"({"message_id":36,"reply_to_id":35,"thread_id":2})", me),
                    R"({ "type": "dm_reply", "thread_id": 2, "message_id": 36, "reply_to_id": 35 })");
  expect_seed_frame(encode("dm_media", R"({"media_url":"https://x/y.jpg","message_id":37,"thread_id":2})", me),
                    R"({ "type": "dm_media", "thread_id": 2, "message_id": 37, "media_url": "https://x/y.jpg" })");
  expect_seed_frame(encode("dm_request", R"({"from_user":6,"thread_id":10})", me),
                    R"({ "type": "dm_request", "thread_id": 10, "from_user": 6 })");
  expect_seed_frame(encode("reaction", R"({"emoji":"❤️","from_user":6,"message_id":35})", me),
                    R"({ "type": "reaction", "message_id": 35, "emoji": "❤️", "from_user": 6 })");
  // What the demo backend adds ("…" in the seed) follows the seed's fields.
  EXPECT_EQ(encode("reaction", R"({"emoji":"x","from_user":6,"message_id":35,"thread_id":2})", me),
            R"({"type":"reaction","message_id":35,"emoji":"x","from_user":6,"thread_id":2})");
  EXPECT_EQ(encode("dm_request", R"({"from_user":6,"from_user_info":{"id":6},"thread_id":10})", me),
            R"({"type":"dm_request","thread_id":10,"from_user":6,"from_user_info":{"id":6}})");
}

TEST(CirclesEncode, ExtraFieldsFollowTheSeedsInSortedOrder) {
  EXPECT_EQ(encode("dm_message", R"({"zeta":1,"created_at":"t","message_id":35,"thread_id":2})", {"user", "8"}),
            R"({"type":"dm_message","thread_id":2,"message_id":35,"created_at":"t","zeta":1})");
  EXPECT_EQ(seed_time(encode("message", R"({"reply_to_id":3,"id":35,"text":"x"})", {"dm", "2"})),
            R"({"type":"message","message":{"id":35,"text":"x","reply_to_id":3},"timestamp":"2025-..."})");
}

TEST(CirclesEncode, APublishedTimestampIsKeptAndPutLast) {
  EXPECT_EQ(encode("dm_request", R"({"timestamp":"2025-01-05T10:00:00Z","from_user":6,"thread_id":10})", {"user", "8"}),
            R"({"type":"dm_request","thread_id":10,"from_user":6,"timestamp":"2025-01-05T10:00:00Z"})");
  EXPECT_EQ(encode("typing", R"({"timestamp":"T","typing":true,"user_id":6})", {"dm", "2"}),
            R"({"type":"typing","user_id":6,"typing":true,"timestamp":"T"})");
}

TEST(CirclesEncode, TheEventNameIsTheType) {
  EXPECT_EQ(encode("dm_request", R"({"type":"admin","thread_id":10})", {"user", "8"}),
            R"({"type":"dm_request","thread_id":10})");
}

TEST(CirclesEncode, NonObjectDataIsCarriedUnderData) {
  EXPECT_EQ(encode("unread", "3", {"user", "8"}), R"({"type":"unread","data":3})");
  EXPECT_EQ(encode("ping_all", "null", {"all", ""}), R"({"type":"ping_all"})");
  // A DM "message" that is not an object cannot be nested: it stays flat.
  EXPECT_EQ(seed_time(encode("message", R"("x")", {"dm", "2"})),
            R"({"type":"message","data":"x","timestamp":"2025-..."})");
}

TEST(CirclesEncode, PreRenderedFramesAreForwardedAsIs) {
  Event e;
  e.frame = Json{{"type", "custom"}, {"x", 1}};
  EXPECT_EQ(CirclesAdapter().encode(e, {"user", "8"}), R"({"type":"custom","x":1})");
}

TEST(CirclesEncode, AnEventWithoutANameIsNotShown) {
  EXPECT_EQ(CirclesAdapter().encode(Event{}, {"dm", "2"}), std::nullopt);
}

TEST(CirclesEncode, InvalidUtf8FromTheBackendNeverThrows) {
  Event e{"dm_message", Json{{"text", "bad \xff byte"}}, {}, std::nullopt};
  auto frame = CirclesAdapter().encode(e, {"user", "8"});
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(Json::parse(*frame)["text"], "bad \xEF\xBF\xBD byte");
  Event m{"message", Json{{"text", "bad \xff byte"}}, {}, std::nullopt};
  ASSERT_TRUE(CirclesAdapter().encode(m, {"dm", "2"}).has_value());
}

}  // namespace
}  // namespace gangway::adapters::circles_test
