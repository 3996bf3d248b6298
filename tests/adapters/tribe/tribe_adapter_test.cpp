// Golden frames from seed 002 (tribe): every client frame decodes to the right
// Action, every server frame is produced byte for byte.
#include "adapters/tribe/tribe_adapter.hpp"

#include <gtest/gtest.h>

#include "tests/adapters/golden.hpp"

namespace gangway::adapters {
namespace tribe_adapter_test {  // its own: the unity build compiles it with other test files
namespace {

using testing::ClientCase;
using testing::expect_action;
using testing::expect_client_cases;
using testing::expect_seed_frame;
using testing::want;

SessionInfo session() {
  SessionInfo s;
  s.app = "tribe";
  s.conn_id = "conn-1";
  s.user = Principal{"user_uuid", "Full Name", "Full Name"};
  return s;
}

// ---- metadata and lifecycle ----------------------------------------------

TEST(TribeAdapter, DescribesItself) {
  TribeAdapter a;
  EXPECT_EQ(a.name(), "tribe");
  EXPECT_EQ(a.credential(), Credential::query_token);
  EXPECT_EQ(a.auth_failure().http_status, 401);
  EXPECT_EQ(a.auth_failure().close_code, 0);
  EXPECT_EQ(a.required_callouts(), std::vector<std::string>{"conversation_participant"});
}

TEST(TribeAdapter, PlanOpenHasNoChecks) {
  OpenPlan p = TribeAdapter().plan_open(session());
  EXPECT_TRUE(p.checks.empty());
  EXPECT_EQ(p.forbidden_close_code, 0);
}

TEST(TribeAdapter, OnOpenSendsTheSeedsConnectedFrameAndJoinsNothing) {
  Opened o = TribeAdapter().on_open(session());
  ASSERT_EQ(o.frames.size(), 1u);
  expect_seed_frame(o.frames[0], R"({
  "event": "connected",
  "message": "WebSocket connection established"
})");
  EXPECT_TRUE(o.rooms.empty());
}

// ---- client -> server ----------------------------------------------------


std::vector<ClientCase> client_cases() {
  std::vector<ClientCase> cases;

  Action subscribe = want(Action::Type::subscribe, "subscribe");
  subscribe.room = {"conversation", "uuid"};
  subscribe.authorize = CalloutCall{"conversation_participant", {{"conversation_id", "uuid"}}};
  cases.push_back({"subscribe", R"({
  "event": "subscribe",
  "channel": "conversation",
  "conversation_id": "uuid"
})",
                   subscribe, R"({
  "event": "subscribed",
  "conversation_id": "uuid"
})"});

  Action unsubscribe = want(Action::Type::unsubscribe, "unsubscribe");
  unsubscribe.room = {"conversation", "uuid"};
  cases.push_back({"unsubscribe", R"({
  "event": "unsubscribe",
  "conversation_id": "uuid"
})",
                   unsubscribe, ""});

  Action typing = want(Action::Type::publish, "typing");
  typing.kind = "typing";
  typing.room = {"conversation", "uuid"};
  typing.require_joined = true;
  typing.data = Json{{"user_id", "user_uuid"}, {"user_name", "Full Name"}, {"is_typing", true}};
  typing.fanout = Event{"typing", typing.data, Exclude{"user_uuid", ""}, std::nullopt};
  cases.push_back({"typing", R"({
  "event": "typing",
  "conversation_id": "uuid",
  "is_typing": true
})",
                   typing, ""});

  Action presence = want(Action::Type::publish, "presence");
  presence.kind = "presence";
  presence.room = {"user", "user_uuid"};
  presence.data = Json{{"user_id", "user_uuid"}, {"status", "online"}};
  cases.push_back({"presence", R"({
  "event": "presence",
  "status": "online"
})",
                   presence, ""});

  cases.push_back({"ping", R"({
  "event": "ping"
})",
                   want(Action::Type::reply, "ping"), R"({
  "event": "pong"
})"});
  return cases;
}

TEST(TribeAdapter, DecodesEverySeedClientFrame) {
  TribeAdapter a;
  expect_client_cases(a, session(), client_cases());
}

TEST(TribeAdapter, SubscribeWithoutChannelIsAccepted) {
  auto got = TribeAdapter().decode(R"({"event":"subscribe","conversation_id":"c-1"})", session());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->room, (RoomKey{"conversation", "c-1"}));
  EXPECT_EQ(got->reply, R"({"event":"subscribed","conversation_id":"c-1"})");
}

TEST(TribeAdapter, IntegerConversationIdIsRenderedInDecimal) {
  auto got = TribeAdapter().decode(R"({"event":"subscribe","conversation_id":42})", session());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->room, (RoomKey{"conversation", "42"}));
  EXPECT_EQ(got->authorize->params.at("conversation_id"), "42");
  EXPECT_EQ(got->reply, R"({"event":"subscribed","conversation_id":"42"})");
}

TEST(TribeAdapter, LongestValidIdIsAccepted) {
  std::string id(128, 'a');
  auto got = TribeAdapter().decode(R"({"event":"unsubscribe","conversation_id":")" + id + "\"}", session());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->room.id, id);
}

TEST(TribeAdapter, TypingStopAndExtraFields) {
  auto got = TribeAdapter().decode(R"({"event":"typing","conversation_id":"c","is_typing":false,"x":[1]})",
                                   session());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data.at("is_typing"), false);
  EXPECT_EQ(got->fanout->data.at("is_typing"), false);
}

TEST(TribeAdapter, EveryPresenceStatusIsAccepted) {
  for (const char* status : {"online", "offline", "away"}) {
    auto got =
        TribeAdapter().decode(std::string(R"({"event":"presence","status":")") + status + "\"}", session());
    ASSERT_TRUE(got.ok()) << status;
    EXPECT_EQ(got->data.at("status"), status);
    EXPECT_FALSE(got->fanout.has_value());
  }
}

// ---- server -> client ----------------------------------------------------

constexpr const char* kSeedMessageNew = R"({
  "event": "message.new",
  "conversation_id": "uuid",
  "data": {
    "id": "message_uuid",
    "conversation_id": "uuid",
    "sender": {
      "id": "user_uuid",
      "username": "username",
      "full_name": "Full Name",
      "profile_image_url": "url"
    },
    "content": "Message content",
    "message_type": "text",
    "created_at": "2024-01-01T12:00:00Z"
  }
})";

constexpr const char* kSeedTyping = R"({
  "event": "typing",
  "conversation_id": "uuid",
  "data": {
    "user_id": "user_uuid",
    "user_name": "Full Name",
    "is_typing": true
  }
})";

TEST(TribeAdapter, EncodesTheSeedsMessageNewFromANatsBody) {
  // What a REST service publishes on gw.out.tribe.conversation.uuid.
  Json seed = Json::parse(kSeedMessageNew);
  Json body{{"event", "message.new"}, {"data", seed["data"]}, {"exclude", {{"user", "user_uuid"}}}};
  auto event = parse_event(body.dump());
  ASSERT_TRUE(event.has_value());
  auto frame = TribeAdapter().encode(*event, {"conversation", "uuid"});
  ASSERT_TRUE(frame.has_value());
  expect_seed_frame(*frame, kSeedMessageNew);
}

TEST(TribeAdapter, TypingFanoutRoundTripsThroughNatsToTheSeedsFrame) {
  TribeAdapter a;
  auto action = a.decode(R"({"event":"typing","conversation_id":"uuid","is_typing":true})", session());
  ASSERT_TRUE(action.ok());
  auto event = parse_event(serialize_event(*action->fanout));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->exclude.user, "user_uuid");
  auto frame = a.encode(*event, action->room);
  ASSERT_TRUE(frame.has_value());
  expect_seed_frame(*frame, kSeedTyping);
}

TEST(TribeAdapter, MessageNewKeepsFieldsTheSeedDoesNotList) {
  Json data{{"id", "m"}, {"attachments", Json::array({{{"url", "u"}}})}, {"content", "c"}};
  auto frame = TribeAdapter().encode(Event{"message.new", data, {}, std::nullopt}, {"conversation", "c1"});
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(*frame, R"({"event":"message.new","conversation_id":"c1","data":{"id":"m","content":"c",)"
                    R"("attachments":[{"url":"u"}]}})");
}

}  // namespace
}  // namespace tribe_adapter_test
}  // namespace gangway::adapters
