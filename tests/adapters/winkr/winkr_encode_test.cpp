// Every server frame of seed 004, byte for byte, from what the backend stores
// or publishes (NATS bodies reach the adapter with their keys sorted).
#include <gtest/gtest.h>

#include "tests/adapters/winkr/winkr_test_util.hpp"

namespace gangway::adapters {
namespace {

using namespace winkr_testing;

// The seed frame's data as a REST service would publish it on gw.out, through
// the NATS body and back, rendered for `room`.
std::string encode_seed(const char* seed_text, RoomKey room = {"conversation", "conv-uuid-1"}) {
  Json seed = Json::parse(seed_text);
  Json body{{"event", seed["event"]}, {"data", seed["data"]}};
  auto event = parse_event(body.dump());
  EXPECT_TRUE(event.has_value());
  if (!event) return "";
  return WinkrAdapter(noon).encode(*event, room).value_or("");
}

struct ServerCase {
  const char* name;
  const char* seed;
  RoomKey room;
};

const ServerCase kServerCases[] = {
    {"message:new",
     R"({
  "event": "message:new",
  "data": {
    "message": {
      "id": "msg-uuid-1",
      "conversation_id": "conv-uuid-1",
      "sender_id": "user-uuid-2",
      "content": "Hey! How are you?",
      "type": "text",
      "created_at": "2025-01-01T12:00:00Z",
      "updated_at": "2025-01-01T12:00:00Z",
      "is_read": false,
      "metadata": {}
    },
    "sender": {
      "id": "user-uuid-2",
      "username": "jane_doe",
      "avatar_url": "https://example.com/avatar.jpg"
    }
  }
})",
     {"conversation", "conv-uuid-1"}},
    {"message:delivered",
     R"({
  "event": "message:delivered",
  "data": {
    "message_id": "msg-uuid-1",
    "conversation_id": "conv-uuid-1",
    "delivered_at": "2025-01-01T12:00:05Z"
  }
})",
     {"user", "user-uuid-2"}},
    {"message:viewed",
     R"({
  "event": "message:viewed",
  "data": {
    "message_id": "msg-uuid-1",
    "conversation_id": "conv-uuid-1",
    "viewed_at": "2025-01-01T12:00:10Z"
  }
})",
     {"conversation", "conv-uuid-1"}},
    {"message:deleted",
     R"({
  "event": "message:deleted",
  "data": {
    "message_id": "msg-uuid-1",
    "conversation_id": "conv-uuid-1",
    "deleted_by": "user-uuid-1",
    "deleted_at": "2025-01-01T12:00:15Z"
  }
})",
     {"conversation", "conv-uuid-1"}},
    {"conversation:unread",
     R"({
  "event": "conversation:unread",
  "data": {
    "conversation_id": "conv-uuid-1",
    "unread_count": 3,
    "last_message": {
      "id": "msg-uuid-1",
      "content": "Hey! How are you?",
      "type": "text",
      "sender_id": "user-uuid-2",
      "created_at": "2025-01-01T12:00:00Z"
    }
  }
})",
     {"user", "user-uuid-1"}},
    {"user:online",
     R"({
  "event": "user:online",
  "data": {
    "user_id": "user-uuid-2",
    "username": "jane_doe",
    "online_at": "2025-01-01T12:00:00Z"
  }
})",
     {"all", ""}},
    {"user:offline",
     R"({
  "event": "user:offline",
  "data": {
    "user_id": "user-uuid-2",
    "username": "jane_doe",
    "offline_at": "2025-01-01T12:30:00Z"
  }
})",
     {"conversation", "conv-uuid-1"}},
    {"typing:indicator",
     R"({
  "event": "typing:indicator",
  "data": {
    "conversation_id": "conv-uuid-1",
    "user_id": "user-uuid-2",
    "username": "jane_doe",
    "is_typing": true,
    "timestamp": "2025-01-01T12:00:00Z"
  }
})",
     {"conversation", "conv-uuid-1"}},
    {"conversation:joined",
     R"({
  "event": "conversation:joined",
  "data": {
    "conversation_id": "conv-uuid-1",
    "joined_at": "2025-01-01T12:00:00Z"
  }
})",
     {"conn", "conn-uuid-1"}},
    {"conversation:left",
     R"({
  "event": "conversation:left",
  "data": {
    "conversation_id": "conv-uuid-1",
    "left_at": "2025-01-01T12:00:00Z"
  }
})",
     {"conn", "conn-uuid-1"}},
    {"error",
     R"({
  "event": "error",
  "data": {
    "code": "VALIDATION_ERROR",
    "message": "Invalid message content",
    "details": {
      "field": "content",
      "error": "Message content cannot be empty"
    },
    "request_event": "message:send"
  }
})",
     {"conn", "conn-uuid-1"}},
    {"connection:closed",
     R"({
  "event": "connection:closed",
  "data": {
    "reason": "normal_closure",
    "code": 1000,
    "timestamp": "2025-01-01T12:30:00Z"
  }
})",
     {"conn", "conn-uuid-1"}},
    {"connection:established",
     R"({
  "event": "connection:established",
  "data": {
    "user_id": "user-uuid-1",
    "connection_id": "conn-uuid-1",
    "timestamp": "2025-01-01T12:00:00Z"
  }
})",
     {"conn", "conn-uuid-1"}},
};

TEST(WinkrEncode, EverySeedServerEventPublishedOnNatsIsRenderedByteForByte) {
  for (const ServerCase& c : kServerCases) {
    SCOPED_TRACE(c.name);
    expect_seed(encode_seed(c.seed, c.room), c.seed);
  }
}

TEST(WinkrEncode, SeedsErrorExampleComesFromAnEmptyTextMessage) {
  WinkrAdapter a(noon);
  auto got =
      a.decode(R"({"event":"message:send","data":{"conversation_id":"conv-uuid-1","content":""}})", jane());
  ASSERT_FALSE(got.ok());
  auto frame = a.encode_error(got.error());
  ASSERT_TRUE(frame);
  expect_seed(*frame, kServerCases[10].seed);
}

TEST(WinkrEncode, JetStreamStoredMessageNewGetsItsIdAndTimesInsideMessage) {
  // JetStream mode adds {"id", "created_at"} next to the pending data.
  Action a = *WinkrAdapter(noon).decode(
      R"({"event":"message:send","data":{"conversation_id":"c1","content":"hi","type":"text"}})", jane());
  Json data = a.fanout->data;
  data["id"] = "uuid-1";
  data["created_at"] = "2025-01-01T12:00:01.000Z";
  auto frame = WinkrAdapter(noon).encode(Event{"message:new", data, {}, std::nullopt}, a.room);
  ASSERT_TRUE(frame);
  EXPECT_EQ(
      *frame,
      R"({"event":"message:new","data":{"message":{"id":"uuid-1","conversation_id":"c1",)"
      R"("sender_id":"user-uuid-2","content":"hi","type":"text","created_at":"2025-01-01T12:00:01.000Z",)"
      R"("updated_at":"2025-01-01T12:00:01.000Z","is_read":false,"metadata":{}},)"
      R"("sender":{"id":"user-uuid-2","username":"jane_doe"}},"timestamp":"2025-01-01T12:00:00Z"})");
}

TEST(WinkrEncode, StoredMessageNewIsNotRewritten) {
  Json data = Json::parse(kServerCases[0].seed)["data"];
  data["id"] = "outer";
  auto frame = WinkrAdapter(noon).encode(Event{"message:new", data, {}, std::nullopt}, {"conversation", "c"});
  ASSERT_TRUE(frame);
  Json got = Json::parse(*frame);
  EXPECT_EQ(got["data"]["message"]["id"], "msg-uuid-1");
  EXPECT_EQ(got["data"]["id"], "outer");
}

TEST(WinkrEncode, UnknownEventsKeepTheirDataInSortedOrder) {
  auto frame = WinkrAdapter(noon).encode(Event{"match:new", Json{{"b", 1}, {"a", 2}}, {}, std::nullopt},
                                         {"user", "u"});
  EXPECT_EQ(frame, R"({"event":"match:new","data":{"a":2,"b":1},"timestamp":"2025-01-01T12:00:00Z"})");
}

TEST(WinkrEncode, ExtraFieldsFollowTheSeedsOnes) {
  Json data{{"conversation_id", "c"}, {"aaa", true}, {"left_at", "t"}};
  auto frame = WinkrAdapter(noon).encode(Event{"conversation:left", data, {}, std::nullopt}, {"conn", "x"});
  EXPECT_EQ(frame, R"({"event":"conversation:left","data":{"conversation_id":"c","left_at":"t","aaa":true},)"
                   R"("timestamp":"2025-01-01T12:00:00Z"})");
}

TEST(WinkrEncode, RawFramesAreForwardedAndNamelessEventsDropped) {
  Event raw{"", Json::object(), {}, Json{{"event", "custom"}, {"data", {{"x", 1}}}}};
  EXPECT_EQ(WinkrAdapter(noon).encode(raw, {"all", ""}), R"({"data":{"x":1},"event":"custom"})");
  EXPECT_FALSE(WinkrAdapter(noon).encode(Event{}, {"all", ""}).has_value());
}

}  // namespace
}  // namespace gangway::adapters
