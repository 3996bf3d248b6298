// Golden frames from seed 003 (social): every client frame decodes to the right
// Action; the lifecycle joins the user's groups.
#include "adapters/social/social_adapter.hpp"

#include <gtest/gtest.h>

#include "gateway/core/clock.hpp"
#include "tests/adapters/golden.hpp"

namespace gangway::adapters {
namespace {

using testing::ClientCase;
using testing::expect_action;
using testing::expect_client_cases;

SessionInfo session(bool admin = false) {
  SessionInfo s;
  s.app = "social";
  s.conn_id = "conn-1";
  s.user = Principal{"7", "alice", "alice", admin};
  return s;
}

// ---- metadata and lifecycle ----------------------------------------------

TEST(SocialAdapter, DescribesItself) {
  SocialAdapter a;
  EXPECT_EQ(a.name(), "social");
  EXPECT_EQ(a.credential(), Credential::cookie);
  EXPECT_EQ(a.auth_failure().http_status, 401);
  EXPECT_EQ(a.auth_failure().close_code, 0);
  EXPECT_EQ(a.required_callouts(), (std::vector<std::string>{"group_member", "user_groups"}));
  EXPECT_FALSE(a.tracks_presence({"group", "1"}));
}

TEST(SocialAdapter, PlanOpenAsksForTheUsersGroupsAndRefusesWithHttpWhenDenied) {
  OpenPlan p = SocialAdapter().plan_open(session());
  ASSERT_EQ(p.checks.size(), 1u);
  EXPECT_EQ(p.checks[0].name, "user_groups");
  EXPECT_TRUE(p.checks[0].params.empty());  // user_id is added by the core
  EXPECT_EQ(p.forbidden_close_code, 0);
  EXPECT_EQ(p.refuse_close_code, 0);
}

std::vector<RoomKey> opened_rooms(const Json& answer) {
  SessionInfo s = session();
  s.context = Json{{"user_groups", answer}};
  Opened o = SocialAdapter().on_open(s);
  EXPECT_TRUE(o.frames.empty());  // the seed sends nothing on connect
  EXPECT_TRUE(o.actions.empty());
  return o.rooms;
}

TEST(SocialAdapter, OnOpenJoinsEveryAcceptedGroup) {
  std::vector<RoomKey> want{{"group", "1"}, {"group", "456"}};
  EXPECT_EQ(opened_rooms(Json{{"group_ids", {1, 456}}}), want);
  EXPECT_EQ(opened_rooms(Json{{"group_ids", {"1", "456"}}}), want);
  EXPECT_EQ(opened_rooms(Json::array({1, "456"})), want);
}

TEST(SocialAdapter, OnOpenSkipsDuplicatesAndIdsThatCannotBeRooms) {
  Json ids = Json::array(
      {1, 1, "a.b", "*", ">", "", -3, 2.5, nullptr, true, Json::object(), std::string(129, 'x'), 2});
  EXPECT_EQ(opened_rooms(Json{{"group_ids", ids}}), (std::vector<RoomKey>{{"group", "1"}, {"group", "2"}}));
}

TEST(SocialAdapter, OnOpenWithoutAUsableAnswerJoinsNoGroup) {
  EXPECT_TRUE(opened_rooms(Json::object()).empty());
  EXPECT_TRUE(opened_rooms(Json{{"group_ids", "1,2"}}).empty());
  EXPECT_TRUE(opened_rooms(nullptr).empty());
  EXPECT_TRUE(opened_rooms("1").empty());
  EXPECT_TRUE(SocialAdapter().on_open(session()).rooms.empty());  // no context at all
}

// ---- client -> server ----------------------------------------------------


Action publish(std::string type, RoomKey room, Json data) {
  Action a;
  a.type = Action::Type::publish;
  a.request_event = type;
  a.kind = type;
  a.room = std::move(room);
  a.data = std::move(data);
  return a;
}

std::vector<ClientCase> client_cases() {
  Action priv =
      publish("private", {"user", "123"},
              Json{{"type", "private"}, {"to", 123}, {"content", "Hello there!"}, {"timestamp", 1640995200}});
  priv.persist = true;
  priv.fanout = Event{"private", priv.data, {}, std::nullopt};

  Action group = publish(
      "group", {"group", "456"},
      Json{
          {"type", "group"}, {"group_id", "456"}, {"content", "Hello everyone!"}, {"timestamp", 1640995200}});
  group.authorize = CalloutCall{"group_member", {{"group_id", "456"}}};
  group.persist = true;
  group.fanout = Event{"group", group.data, Exclude{"7", ""}, std::nullopt};

  Action broadcast = publish(
      "broadcast", {"all", ""},
      Json{
          {"type", "broadcast"}, {"content", "System maintenance in 10 minutes"}, {"timestamp", 1640995200}});
  broadcast.fanout = Event{"broadcast", broadcast.data, {}, std::nullopt};

  return {
      {"private", R"({
  "type": "private",
  "to": 123,
  "content": "Hello there!",
  "timestamp": 1640995200
})",
       priv},
      {"group", R"({
  "type": "group",
  "group_id": "456",
  "content": "Hello everyone!",
  "timestamp": 1640995200
})",
       group},
      {"broadcast", R"({
  "type": "broadcast",
  "content": "System maintenance in 10 minutes",
  "timestamp": 1640995200
})",
       broadcast},
  };
}

TEST(SocialAdapter, DecodesEverySeedClientFrame) {
  SocialAdapter a;
  expect_client_cases(a, session(/*admin=*/true), client_cases());
}

TEST(SocialAdapter, TheServerSetsTheTimestampWhenTheClientGivesNone) {
  SocialAdapter a;
  for (const char* frame :
       {R"({"type":"private","to":3,"content":"hi"})", R"({"type":"group","group_id":"1","content":"hi"})",
        R"({"type":"broadcast","content":"hi"})"}) {
    SCOPED_TRACE(frame);
    std::int64_t before = unix_now();
    auto got = a.decode(frame, session(true));
    std::int64_t after = unix_now();
    ASSERT_TRUE(got.ok());
    ASSERT_TRUE(got->data.at("timestamp").is_number_integer());
    EXPECT_GE(got->data.at("timestamp").get<std::int64_t>(), before);
    EXPECT_LE(got->data.at("timestamp").get<std::int64_t>(), after);
    EXPECT_EQ(got->fanout->data, got->data);
  }
}

TEST(SocialAdapter, TheClientsTimestampIsKeptEvenZero) {
  auto got = SocialAdapter().decode(R"({"type":"private","to":3,"content":"hi","timestamp":0})", session());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data.at("timestamp"), 0);
}

TEST(SocialAdapter, AnIntegerGroupIdIsTakenAndKeptAsTheSeedsString) {
  auto got = SocialAdapter().decode(R"({"type":"group","group_id":456,"content":"x"})", session());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->room, (RoomKey{"group", "456"}));
  EXPECT_EQ(got->data.at("group_id"), "456");
  EXPECT_EQ(got->authorize->params.at("group_id"), "456");
}

TEST(SocialAdapter, APrivateMessageToOneselfGoesToOnesOwnUserRoom) {
  auto got = SocialAdapter().decode(R"({"type":"private","to":7,"content":"note"})", session());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->room, (RoomKey{"user", "7"}));
  EXPECT_TRUE(got->fanout->exclude.empty());
}

TEST(SocialAdapter, ExtraFieldsAreIgnoredAndNotForwarded) {
  auto got = SocialAdapter().decode(
      R"({"type":"private","to":3,"content":"hi","timestamp":5,"from":99,"x":{"y":[1]}})", session());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data, (Json{{"type", "private"}, {"to", 3}, {"content", "hi"}, {"timestamp", 5}}));
}

TEST(SocialAdapter, ContentIsForwardedUnchanged) {
  std::string content = "multi\nline \"quoted\" <b>html</b> \u00e9\u6f22 \xf0\x9f\x98\x80";
  Json frame{{"type", "broadcast"}, {"content", content}, {"timestamp", 1}};
  auto got = SocialAdapter().decode(frame.dump(), session(true));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data.at("content"), content);
}

TEST(SocialAdapter, OnlyAdministratorsMayBroadcast) {
  auto got = SocialAdapter().decode(R"({"type":"broadcast","content":"hi"})", session(false));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::forbidden);
  EXPECT_EQ(got.error().request_event, "broadcast");
  EXPECT_EQ(got.error().detail, "only administrators may broadcast");
}

TEST(SocialAdapter, AnyoneMaySendPrivateAndGroupMessages) {
  SocialAdapter a;
  EXPECT_TRUE(a.decode(R"({"type":"private","to":1,"content":"x"})", session(false)).ok());
  EXPECT_TRUE(a.decode(R"({"type":"group","group_id":"1","content":"x"})", session(false)).ok());
}

}  // namespace
}  // namespace gangway::adapters
