// Seed 000 (circles) lifecycle: which checks each socket needs, what it is sent
// on connect, the thread_info query, presence on open and close.
#include <gtest/gtest.h>

#include "tests/adapters/circles/circles_support.hpp"

namespace gangway::adapters::circles_test {
namespace {

TEST(CirclesAdapter, DescribesItself) {
  CirclesAdapter a;
  EXPECT_EQ(a.name(), "circles");
  EXPECT_EQ(a.credential(), Credential::query_token);
  // "4401 Unauthorized (token missing/invalid)": the upgrade is accepted, then closed.
  EXPECT_EQ(a.auth_failure().http_status, 0);
  EXPECT_EQ(a.auth_failure().close_code, 4401);
  EXPECT_EQ(a.required_callouts(), (std::vector<std::string>{"dm_access", "place_checkin"}));
  EXPECT_FALSE(a.encode_close(1001, "going away").has_value());
}

// ---- plan_open --------------------------------------------------------------

TEST(CirclesAdapter, DmSocketAsksTheBackendForParticipantAndAccepted) {
  OpenPlan p = CirclesAdapter().plan_open(dm_session());
  ASSERT_EQ(p.checks.size(), 1u);
  EXPECT_EQ(p.checks[0].name, "dm_access");
  EXPECT_EQ(p.checks[0].params, (Params{{"thread_id", "2"}}));
  EXPECT_EQ(p.forbidden_close_code, 4403);
  EXPECT_EQ(p.refuse_close_code, 0);
}

TEST(CirclesAdapter, PlaceSocketAsksForACheckInWithinTheDefaultWindow) {
  OpenPlan p = CirclesAdapter().plan_open(place_session());
  ASSERT_EQ(p.checks.size(), 1u);
  EXPECT_EQ(p.checks[0].name, "place_checkin");
  EXPECT_EQ(p.checks[0].params, (Params{{"place_id", "1"}, {"window_hours", "12"}}));
  EXPECT_EQ(p.forbidden_close_code, 4403);
  EXPECT_EQ(p.refuse_close_code, 0);
}

TEST(CirclesAdapter, PlaceWindowComesFromTheAppOptions) {
  auto options = circles::parse_options(Json{{"window_hours", 3}});
  ASSERT_TRUE(options) << options.error();
  OpenPlan p = CirclesAdapter(*options).plan_open(place_session());
  ASSERT_EQ(p.checks.size(), 1u);
  EXPECT_EQ(p.checks[0].params.at("window_hours"), "3");
  ASSERT_TRUE(circles::parse_options(Json(nullptr)));
  EXPECT_EQ(circles::parse_options(Json(nullptr))->window_hours, 12);
  EXPECT_EQ(circles::parse_options(Json::object())->window_hours, 12);
}

// A bad setting is a config error naming the key (--check-config), not a silent default.
TEST(CirclesAdapter, ABadWindowSettingIsAConfigError) {
  for (Json options : {Json{{"window_hours", "3"}}, Json{{"window_hours", 0}}, Json{{"window_hours", -4}},
                       Json{{"window_hours", 2.5}}, Json{{"window_hours", nullptr}}, Json{{"window_hours", 100000}}}) {
    auto parsed = circles::parse_options(options);
    ASSERT_FALSE(parsed) << options.dump();
    EXPECT_NE(parsed.error().find("options.window_hours must be an integer from 1 to 8760"), std::string::npos)
        << parsed.error();
  }
  auto unknown = circles::parse_options(Json{{"windw_hours", 3}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), "options.windw_hours is not an option of circles (it has: window_hours)");
  EXPECT_FALSE(circles::parse_options(Json::array()));
}

TEST(CirclesAdapter, UserSocketNeedsNoCalloutForItsOwnUser) {
  OpenPlan p = CirclesAdapter().plan_open(user_session());
  EXPECT_TRUE(p.checks.empty());
  EXPECT_EQ(p.refuse_close_code, 0);
}

TEST(CirclesAdapter, UserSocketOfAnotherUserClosesWith4401) {
  for (const char* other : {"6", "08", "80", "8 "}) {
    OpenPlan p = CirclesAdapter().plan_open(session({{"user_id", other}}));
    EXPECT_TRUE(p.checks.empty()) << other;
    EXPECT_EQ(p.refuse_close_code, 4401) << other;
  }
}

TEST(CirclesAdapter, AnUnknownRouteLetsNobodyIn) {
  OpenPlan p = CirclesAdapter().plan_open(session({}));
  EXPECT_TRUE(p.checks.empty());
  EXPECT_EQ(p.refuse_close_code, 4403);
}

// ---- on_open ----------------------------------------------------------------

TEST(CirclesAdapter, DmOpenSendsConnectionEstablishedJoinsTheThreadAndQueriesPresence) {
  SessionInfo s = dm_session();
  Opened o = CirclesAdapter().on_open(s);
  ASSERT_EQ(o.frames.size(), 1u);
  expect_seed_frame(o.frames[0], R"({
    "type": "connection_established",
    "thread_id": 2,
    "user_id": 8,
    "timestamp": "2025-..."
  })");
  EXPECT_EQ(o.rooms, (std::vector<RoomKey>{{"dm", "2"}}));
  ASSERT_EQ(o.actions.size(), 2u);

  EXPECT_EQ(o.actions[0].type, Action::Type::query);
  EXPECT_EQ(o.actions[0].query, Action::Query::online_users);
  EXPECT_EQ(o.actions[0].room, (RoomKey{"dm", "2"}));

  Action online;
  online.type = Action::Type::publish;
  online.request_event = "presence";
  online.kind = "presence";
  online.room = {"dm", "2"};
  online.data = Json{{"user_id", 8}, {"online", true}};
  online.fanout = Event{"presence", online.data, Exclude{"8", ""}, std::nullopt};
  online.presence = Action::Presence::online;
  expect_action(o.actions[1], online);
}

TEST(CirclesAdapter, UserOpenSendsConnectionEstablishedAndLeavesTheUserRoomToTheCore) {
  Opened o = CirclesAdapter().on_open(user_session());
  ASSERT_EQ(o.frames.size(), 1u);
  expect_seed_frame(o.frames[0],
                    R"({ "type": "connection_established", "user_id": 8, "timestamp": "2025-..." })");
  EXPECT_TRUE(o.rooms.empty());
  EXPECT_TRUE(o.actions.empty());
}

TEST(CirclesAdapter, PlaceOpenSendsTheWindowAndJoinsThePlace) {
  Opened o = CirclesAdapter(circles::Options{6}).on_open(place_session());
  ASSERT_EQ(o.frames.size(), 1u);
  // The seed shows no timestamp on this one.
  expect_seed_frame(o.frames[0],
                    R"({ "type": "connection_established", "place_id": 1, "user_id": 8, "window_hours": 6 })");
  EXPECT_EQ(o.rooms, (std::vector<RoomKey>{{"place", "1"}}));
  EXPECT_TRUE(o.actions.empty());
  expect_seed_frame(CirclesAdapter().on_open(place_session()).frames.at(0),
                    R"({ "type": "connection_established", "place_id": 1, "user_id": 8, "window_hours": 12 })");
}

TEST(CirclesAdapter, NonNumericIdsStayStrings) {
  SessionInfo s = session({{"thread_id", "t-2"}});
  s.user.id = "u-8";
  expect_seed_frame(CirclesAdapter().on_open(s).frames.at(0),
                    R"({"type":"connection_established","thread_id":"t-2","user_id":"u-8","timestamp":"2025-..."})");
}

// ---- thread_info --------------------------------------------------------------

SessionInfo dm_session_with_participants() {
  SessionInfo s = dm_session();
  // What the backend's dm_access callout answered (keys sorted, as parsed JSON).
  s.context["dm_access"] = Json::parse(R"({
    "thread_id": 2, "status": "accepted",
    "participants": [
      {"avatar_url": "https://cdn.circles.example/a/8.png", "id": 8, "name": "Maya Patel"},
      {"avatar_url": null, "id": 6, "name": "Noah Kim"}
    ]})");
  return s;
}

constexpr const char* kSeedThreadInfo = R"({
    "type": "thread_info",
    "participants": [ {"id": 8, "name": "Maya Patel", "avatar_url": "https://cdn.circles.example/a/8.png"},
                      {"id": 6, "name": "Noah Kim", "avatar_url": null} ],
    "other_user_online": false,
    "timestamp": "2025-..."
  })";

TEST(CirclesAdapter, ThreadInfoRendersParticipantsAndPresenceFromTheQuery) {
  CirclesAdapter a;
  SessionInfo s = dm_session_with_participants();
  Action query = a.on_open(s).actions.at(0);

  auto alone = a.render_query(query, Json{{"users", {"8"}}}, s);
  ASSERT_EQ(alone.size(), 1u);
  expect_seed_frame(alone[0], kSeedThreadInfo);

  auto with_other = a.render_query(query, Json{{"users", {"8", "6"}}}, s);
  ASSERT_EQ(with_other.size(), 1u);
  Json expected = Json::parse(kSeedThreadInfo);
  EXPECT_EQ(Json::parse(with_other[0])["other_user_online"], true);
  EXPECT_EQ(Json::parse(with_other[0])["participants"], expected["participants"]);
}

TEST(CirclesAdapter, ThreadInfoSurvivesOddAnswers) {
  CirclesAdapter a;
  SessionInfo s = dm_session();  // no callout body at all
  Action query = a.on_open(s).actions.at(0);
  for (Json answer : {Json::object(), Json{{"users", nullptr}}, Json{{"users", {6}}}, Json(nullptr),
                      Json{{"users", {Json::object(), 1.5, true}}}}) {
    SCOPED_TRACE(answer.dump());
    auto frames = a.render_query(query, answer, s);
    ASSERT_EQ(frames.size(), 1u);
    Json j = Json::parse(frames[0]);
    EXPECT_EQ(j["participants"], Json::array());
    EXPECT_EQ(j["other_user_online"], answer.dump() == R"({"users":[6]})");
  }
  s.context["dm_access"] = Json{{"participants", {1, "x", Json{{"id", 8}}}}};
  auto frames = a.render_query(query, Json{{"users", Json::array()}}, s);
  EXPECT_EQ(Json::parse(frames.at(0))["participants"], Json::parse(R"([{"id":8}])"));
}

TEST(CirclesAdapter, OtherQueriesRenderNothing) {
  Action q;
  q.type = Action::Type::query;
  q.query = Action::Query::user_online;
  q.room = {"user", "6"};
  EXPECT_TRUE(CirclesAdapter().render_query(q, Json{{"online", true}}, dm_session()).empty());
  q.query = Action::Query::online_users;
  q.room = {"place", "1"};
  EXPECT_TRUE(CirclesAdapter().render_query(q, Json{{"users", {"8"}}}, place_session()).empty());
}

// ---- presence -------------------------------------------------------------------

TEST(CirclesAdapter, OnlyDmRoomsTrackPresence) {
  CirclesAdapter a;
  EXPECT_TRUE(a.tracks_presence({"dm", "2"}));
  EXPECT_FALSE(a.tracks_presence({"place", "1"}));
  EXPECT_FALSE(a.tracks_presence({"all", ""}));
}

TEST(CirclesAdapter, ClosingADmSocketAnnouncesOfflineInItsThread) {
  std::vector<RoomKey> rooms{{"user", "8"}, {"conn", "conn-1"}, {"all", ""}, {"dm", "2"}};
  auto actions = CirclesAdapter().on_close(dm_session(), rooms);
  ASSERT_EQ(actions.size(), 1u);
  Action offline;
  offline.type = Action::Type::publish;
  offline.request_event = "presence";
  offline.kind = "presence";
  offline.room = {"dm", "2"};
  offline.data = Json{{"user_id", 8}, {"online", false}};
  offline.fanout = Event{"presence", offline.data, Exclude{"8", ""}, std::nullopt};
  offline.presence = Action::Presence::offline;
  expect_action(actions[0], offline);

  EXPECT_TRUE(CirclesAdapter().on_close(place_session(), {{"place", "1"}, {"user", "8"}}).empty());
  EXPECT_TRUE(CirclesAdapter().on_close(user_session(), {{"user", "8"}}).empty());
}

}  // namespace
}  // namespace gangway::adapters::circles_test
