// Golden frames from seed 001 (pythia): every client frame decodes to the
// right Action and its reply is the seed's frame byte for byte.
#include <gtest/gtest.h>

#include "tests/adapters/golden.hpp"
#include "tests/adapters/pythia/pythia_test_util.hpp"

namespace gangway::adapters {
namespace {

using namespace pythia_testing;
using testing::ClientCase;
using testing::expect_client_cases;
using testing::expect_seed_frame;

TEST(PythiaAdapter, DescribesItself) {
  PythiaAdapter a;
  EXPECT_EQ(a.name(), "pythia");
  EXPECT_EQ(a.credential(), Credential::query_token);
  EXPECT_EQ(a.auth_failure().http_status, 401);
  EXPECT_EQ(a.auth_failure().close_code, 0);
  EXPECT_EQ(a.required_callouts(), (std::vector<std::string>{"user_channels", "channel_access"}));
  EXPECT_EQ(a.limits().max_frame_bytes, 0u) << "the seed names no limits";
}

TEST(PythiaAdapter, TracksPresenceInChannelRoomsOnly) {
  PythiaAdapter a;
  EXPECT_TRUE(a.tracks_presence({"channel", "c"}));
  EXPECT_FALSE(a.tracks_presence({"user", "u"}));
  EXPECT_FALSE(a.tracks_presence({"conn", "c"}));
  EXPECT_FALSE(a.tracks_presence({"all", ""}));
}

TEST(PythiaAdapter, TheDefaultClockUsesTheSeedsTimestampFormat) {
  auto reply = PythiaAdapter().decode(R"({"type":"ping"})", session());
  ASSERT_TRUE(reply.ok());
  std::string ts = Json::parse(reply->reply).at("timestamp");
  ASSERT_EQ(ts.size(), 20u) << ts;
  EXPECT_EQ(ts[4], '-');
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], 'Z');
}

// ---- client -> server ----------------------------------------------------


std::vector<ClientCase> client_cases() {
  std::vector<ClientCase> cases;

  // An explicit join announces user_joined to the others, once per user,
  // unless channel_access says the user is a member (the REST service's news).
  Action join = want(Action::Type::subscribe, "join_channel");
  join.room = {"channel", "channel-uuid"};
  join.authorize = CalloutCall{"channel_access", {{"channel_id", "channel-uuid"}}};
  join.kind = "join";
  join.presence = Action::Presence::online;
  join.data = Json{{"user_id", "user-uuid"}, {"channel_id", "channel-uuid"}};
  join.fanout = Event{"user_joined", join.data, Exclude{"user-uuid", ""}, std::nullopt};
  join.quiet_if = "/member";
  cases.push_back({"join_channel", R"({
  "type": "join_channel",
  "channel_id": "channel-uuid"
})",
                   join, R"({
  "type": "channel_joined",
  "channel_id": "channel-uuid",
  "timestamp": "2024-01-07T10:30:00Z"
})"});

  Action leave = want(Action::Type::unsubscribe, "leave_channel");
  leave.room = {"channel", "channel-uuid"};
  leave.authorize = CalloutCall{"channel_access", {{"channel_id", "channel-uuid"}}};
  leave.kind = "leave";
  leave.presence = Action::Presence::offline;
  leave.data = Json{{"user_id", "user-uuid"}, {"channel_id", "channel-uuid"}};
  leave.fanout = Event{"user_left", leave.data, Exclude{"user-uuid", ""}, std::nullopt};
  leave.quiet_if = "/member";
  cases.push_back({"leave_channel", R"({
  "type": "leave_channel",
  "channel_id": "channel-uuid"
})",
                   leave, R"({
  "type": "channel_left",
  "channel_id": "channel-uuid",
  "timestamp": "2024-01-07T10:30:00Z"
})"});

  Action typing = want(Action::Type::publish, "typing_indicator");
  typing.kind = "typing";
  typing.room = {"channel", "channel-uuid"};
  typing.require_joined = true;
  typing.data = Json{{"user_id", "user-uuid"}, {"channel_id", "channel-uuid"}, {"is_typing", true}};
  typing.fanout = Event{"typing_indicator", typing.data, Exclude{"user-uuid", ""}, std::nullopt};
  cases.push_back({"typing_indicator", R"({
  "type": "typing_indicator",
  "channel_id": "channel-uuid",
  "is_typing": true
})",
                   typing, ""});

  cases.push_back({"ping", R"({
  "type": "ping"
})",
                   want(Action::Type::reply, "ping"), R"({
  "type": "pong",
  "timestamp": "2024-01-07T10:30:00Z"
})"});

  Action online = want(Action::Type::query, "get_online_users");
  online.query = Action::Query::online_users;
  online.room = {"channel", "channel-uuid"};
  online.authorize = CalloutCall{"channel_access", {{"channel_id", "channel-uuid"}}};
  cases.push_back({"get_online_users", R"({
  "type": "get_online_users",
  "channel_id": "channel-uuid"
})",
                   online, ""});
  return cases;
}

TEST(PythiaAdapter, DecodesEverySeedClientFrame) {
  PythiaAdapter a = adapter();
  expect_client_cases(a, session(), client_cases());
}

TEST(PythiaAdapter, OnlineUsersAnswerIsTheSeedsFrame) {
  PythiaAdapter a = adapter();
  auto query = a.decode(R"({"type":"get_online_users","channel_id":"channel-uuid"})", session());
  ASSERT_TRUE(query.ok());
  auto frames = a.render_query(*query, Json{{"users", {"user1-id", "user2-id"}}}, session());
  ASSERT_EQ(frames.size(), 1u);
  expect_seed_frame(frames[0], R"({
  "type": "online_users",
  "channel_id": "channel-uuid",
  "users": ["user1-id", "user2-id"],
  "timestamp": "2024-01-07T10:30:00Z"
})");
}

TEST(PythiaAdapter, OnlineUsersWithAnOddAnswerIsAnEmptyList) {
  PythiaAdapter a = adapter();
  auto query = a.decode(R"({"type":"get_online_users","channel_id":"c"})", session());
  ASSERT_TRUE(query.ok());
  for (const Json& answer : {Json(), Json::object(), Json{{"users", "x"}}, Json::array()}) {
    auto frames = a.render_query(*query, answer, session());
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0], R"({"type":"online_users","channel_id":"c","users":[],"timestamp":")" +
                             std::string(kSeedTime) + "\"}");
  }
  Action other = want(Action::Type::query, "x");
  other.query = Action::Query::user_online;
  EXPECT_TRUE(a.render_query(other, Json::object(), session()).empty())
      << "only online_users is a pythia query";
}

TEST(PythiaAdapter, TypingStopAndExtraFields) {
  auto got = adapter().decode(R"({"type":"typing_indicator","channel_id":"c","is_typing":false,"x":[1]})",
                              session());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data.at("is_typing"), false);
  EXPECT_EQ(got->fanout->data.at("is_typing"), false);
}

TEST(PythiaAdapter, LongestValidIdIsAccepted) {
  std::string id(128, 'a');
  auto got = adapter().decode(R"({"type":"join_channel","channel_id":")" + id + "\"}", session());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->room.id, id);
  EXPECT_EQ(got->authorize->params.at("channel_id"), id);
}

TEST(PythiaAdapter, RealUuidsPass) {
  auto got = adapter().decode(
      R"({"type":"leave_channel","channel_id":"3f2b8c1e-9d4a-4f6b-8e21-7c5d9a0b1e2f"})", session());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->reply, R"({"type":"channel_left","channel_id":"3f2b8c1e-9d4a-4f6b-8e21-7c5d9a0b1e2f",)"
                        R"("timestamp":"2024-01-07T10:30:00Z"})");
}

TEST(PythiaAdapter, TypingFanoutRoundTripsThroughNatsToTheSeedsFrame) {
  PythiaAdapter a = adapter();
  auto action =
      a.decode(R"({"type":"typing_indicator","channel_id":"channel-uuid","is_typing":true})", session());
  ASSERT_TRUE(action.ok());
  auto event = parse_event(serialize_event(*action->fanout));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->exclude.user, "user-uuid");
  auto frame = a.encode(*event, action->room);
  ASSERT_TRUE(frame.has_value());
  expect_seed_frame(*frame, R"({
  "type": "typing_indicator",
  "user_id": "user-uuid",
  "channel_id": "channel-uuid",
  "is_typing": true,
  "timestamp": "2024-01-07T10:30:00Z"
})");
}

}  // namespace
}  // namespace gangway::adapters
