// Connect and disconnect: the membership callout, auto-join, user_status
// online/offline, and typing cleanup on close.
#include <gtest/gtest.h>

#include "adapters/pythia/pythia_options.hpp"
#include "tests/adapters/frame_assertions.hpp"
#include "tests/adapters/pythia/pythia_test_util.hpp"

namespace gangway::adapters {
namespace {

using namespace pythia_testing;
using testing::expect_seed_frame;

SessionInfo with_channels(Json body) {
  SessionInfo s = session();
  s.context = Json{{"user_channels", std::move(body)}};
  return s;
}

Action status(const std::string& channel, const char* value, Action::Presence presence) {
  Action a = want(Action::Type::publish, "");
  a.kind = "presence";
  a.room = {"channel", channel};
  a.data = Json{{"user_id", "user-uuid"}, {"status", value}};
  a.fanout = Event{"user_status", a.data, Exclude{"user-uuid", ""}, std::nullopt};
  a.presence = presence;
  return a;
}

Action typing_stop(const std::string& channel, Action::Presence presence) {
  Action a = want(Action::Type::publish, "");
  a.kind = "typing";
  a.room = {"channel", channel};
  a.data = Json{{"user_id", "user-uuid"}, {"channel_id", channel}, {"is_typing", false}};
  a.fanout = Event{"typing_indicator", a.data, Exclude{"user-uuid", ""}, std::nullopt};
  a.presence = presence;
  return a;
}

TEST(PythiaLifecycle, PlanOpenFetchesTheMembershipList) {
  OpenPlan p = adapter().plan_open(session());
  ASSERT_EQ(p.checks.size(), 1u);
  EXPECT_EQ(p.checks[0].name, "user_channels");
  EXPECT_TRUE(p.checks[0].params.empty()) << "user_id is added by the core";
  EXPECT_EQ(p.forbidden_close_code, 0) << "denied: refuse the upgrade (403)";
  EXPECT_EQ(p.refuse_close_code, 0);
}

TEST(PythiaLifecycle, OnOpenSendsTheSeedsConnectionEstablished) {
  Opened o = adapter().on_open(with_channels(Json::array()));
  ASSERT_EQ(o.frames.size(), 1u);
  expect_seed_frame(o.frames[0], R"({
  "type": "connection_established",
  "user_id": "user-uuid",
  "username": "john_doe",
  "timestamp": "2024-01-07T10:30:00Z"
})");
  EXPECT_TRUE(o.rooms.empty());
  EXPECT_TRUE(o.actions.empty());
}

// The core settles the username (the claim, else the display name: tests/session).
TEST(PythiaLifecycle, TheUsernameIsThePrincipals) {
  SessionInfo s = with_channels(Json::array());
  s.user.username = "John Doe";
  EXPECT_EQ(Json::parse(adapter().on_open(s).frames[0]).at("username"), "John Doe");
}

TEST(PythiaLifecycle, OnOpenJoinsEveryMemberChannelAndAnnouncesOnline) {
  Opened o = adapter().on_open(with_channels(Json{{"channel_ids", {"c-1", "c-2"}}}));
  EXPECT_EQ(o.rooms, (std::vector<RoomKey>{{"channel", "c-1"}, {"channel", "c-2"}}));
  ASSERT_EQ(o.actions.size(), 2u);
  expect_action(o.actions[0], status("c-1", "online", Action::Presence::online));
  expect_action(o.actions[1], status("c-2", "online", Action::Presence::online));
}

TEST(PythiaLifecycle, OnOpenWithoutAMembershipAnswerJoinsNothing) {
  SessionInfo s = session();  // no context at all
  Opened o = adapter().on_open(s);
  EXPECT_EQ(o.frames.size(), 1u);
  EXPECT_TRUE(o.rooms.empty());
  s.context = Json::array();
  EXPECT_TRUE(adapter().on_open(s).rooms.empty());
}

TEST(PythiaLifecycle, AutoJoinIsCappedByTheOption) {
  auto options = pythia::parse_options(Json{{"max_auto_join_channels", 1}});
  ASSERT_TRUE(options) << options.error();
  Opened o = PythiaAdapter(&seed_clock, *options).on_open(with_channels(Json::array({"a", "b", "c"})));
  EXPECT_EQ(o.rooms, (std::vector<RoomKey>{{"channel", "a"}}));
  EXPECT_EQ(o.actions.size(), 1u);
}

TEST(PythiaLifecycle, OnCloseAnnouncesOfflineAndStopsTypingInEveryChannel) {
  std::vector<RoomKey> rooms{
      {"user", "user-uuid"}, {"conn", "conn-1"}, {"all", ""}, {"channel", "c-1"}, {"channel", "c-2"}};
  auto actions = adapter().on_close(session(), rooms);
  ASSERT_EQ(actions.size(), 4u);
  expect_action(actions[0], status("c-1", "offline", Action::Presence::offline));
  expect_action(actions[1], typing_stop("c-1", Action::Presence::none));
  expect_action(actions[2], status("c-2", "offline", Action::Presence::offline));
  expect_action(actions[3], typing_stop("c-2", Action::Presence::none));
}

TEST(PythiaLifecycle, TypingStopOnCloseCanWaitForTheLastSocketOrBeOff) {
  std::vector<RoomKey> rooms{{"channel", "c-1"}};
  auto with = [](const char* stop) {
    return PythiaAdapter(&seed_clock, *pythia::parse_options(Json{{"typing_stop_on_close", stop}}));
  };
  auto actions = with("last_socket").on_close(session(), rooms);
  ASSERT_EQ(actions.size(), 2u);
  expect_action(actions[1], typing_stop("c-1", Action::Presence::offline));

  actions = with("never").on_close(session(), rooms);
  ASSERT_EQ(actions.size(), 1u);
  expect_action(actions[0], status("c-1", "offline", Action::Presence::offline));
}

TEST(PythiaLifecycle, OnCloseWithoutChannelsDoesNothing) {
  EXPECT_TRUE(adapter().on_close(session(), {{"user", "user-uuid"}, {"all", ""}}).empty());
  EXPECT_TRUE(adapter().on_close(session(), {}).empty());
}

TEST(PythiaLifecycle, StatusFramesRenderAsTheSeedShows) {
  PythiaAdapter a = adapter();
  Opened o = a.on_open(with_channels(Json::array({"c-1"})));
  ASSERT_EQ(o.actions.size(), 1u);
  auto event = parse_event(serialize_event(*o.actions[0].fanout));
  ASSERT_TRUE(event);
  auto frame = a.encode(*event, {"channel", "c-1"});
  ASSERT_TRUE(frame);
  expect_seed_frame(*frame, R"({
  "type": "user_status",
  "user_id": "user-uuid",
  "status": "online",
  "timestamp": "2024-01-07T10:30:00Z"
})");
}

// ---- reading the membership list and the options --------------------------

using pythia::member_channels;

TEST(PythiaMembership, AcceptsTheUsualShapes) {
  std::vector<std::string> both{"a", "b"};
  EXPECT_EQ(member_channels(Json::array({"a", "b"}), 10), both);
  EXPECT_EQ(member_channels(Json{{"channel_ids", {"a", "b"}}}, 10), both);
  EXPECT_EQ(member_channels(Json{{"channels", {{{"id", "a"}, {"name", "A"}}, "b"}}}, 10), both);
  EXPECT_EQ(member_channels(Json::array({{{"id", "a"}}, {{"id", "b"}}}), 10), both);
}

TEST(PythiaMembership, DropsWhatCannotBeARoom) {
  Json body = Json::array({"a", "a", "bad.id", "*", ">", "", std::string(129, 'x'), 5, nullptr,
                           Json{{"id", 7}}, Json{{"name", "x"}}, Json::array({"c"}), "b"});
  EXPECT_EQ(member_channels(body, 10), (std::vector<std::string>{"a", "b"}));
}

TEST(PythiaMembership, OtherBodiesYieldNothing) {
  for (const Json& body :
       {Json(), Json("a"), Json(3), Json::object(), Json{{"channel_ids", "a"}}, Json{{"items", {"a"}}}}) {
    EXPECT_TRUE(member_channels(body, 10).empty()) << body.dump();
  }
  EXPECT_TRUE(member_channels(Json::array({"a"}), 0).empty());
}

TEST(PythiaOptions, DefaultsAndOverrides) {
  for (const Json& none : {Json(nullptr), Json::object()}) {
    auto o = pythia::parse_options(none);
    ASSERT_TRUE(o) << o.error();
    EXPECT_EQ(o->max_auto_join, pythia::kDefaultMaxAutoJoin);
    EXPECT_EQ(o->typing_stop, pythia::TypingStop::every_close);
  }
  auto o = pythia::parse_options(Json{{"max_auto_join_channels", 5}, {"typing_stop_on_close", "never"}});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->max_auto_join, 5u);
  EXPECT_EQ(o->typing_stop, pythia::TypingStop::never);
}

TEST(PythiaOptions, JoinAnnouncementsAreForNonMembersByDefault) {
  auto o = pythia::parse_options(Json());
  ASSERT_TRUE(o);
  EXPECT_EQ(o->announce, pythia::Announce::non_members);
  EXPECT_EQ(o->member_pointer, "/member");
  auto with = [](const Json& options) { return PythiaAdapter(&seed_clock, *pythia::parse_options(options)); };
  const std::string join = R"({"type":"join_channel","channel_id":"c-1"})";
  const std::string leave = R"({"type":"leave_channel","channel_id":"c-1"})";

  auto custom = with(Json{{"member_pointer", "/channel/is_member"}}).decode(join, session());
  ASSERT_TRUE(custom.ok());
  EXPECT_EQ(custom->quiet_if, "/channel/is_member");

  auto always_join = with(Json{{"join_announcements", "always"}}).decode(join, session());
  ASSERT_TRUE(always_join.ok());
  EXPECT_EQ(always_join->fanout->name, "user_joined");
  EXPECT_EQ(always_join->quiet_if, "") << "every explicit join is announced";
  auto always_leave = with(Json{{"join_announcements", "always"}}).decode(leave, session());
  ASSERT_TRUE(always_leave.ok());
  EXPECT_EQ(always_leave->fanout->name, "user_left");
  EXPECT_FALSE(always_leave->authorize) << "nothing to ask before announcing";

  for (const std::string& frame : {join, leave}) {
    auto never = with(Json{{"join_announcements", "never"}}).decode(frame, session());
    ASSERT_TRUE(never.ok());
    EXPECT_FALSE(never->fanout.has_value()) << frame;
    EXPECT_EQ(never->presence, Action::Presence::none);
  }
  auto quiet_leave = with(Json{{"join_announcements", "never"}}).decode(leave, session());
  EXPECT_FALSE(quiet_leave->authorize) << "a leave asks nothing when it announces nothing";
}

// A bad option is a config error naming it (--check-config), not a silent default.
TEST(PythiaOptions, BadOrUnknownOptionsAreConfigErrors) {
  const std::pair<Json, std::string> cases[] = {
      {Json{{"max_auto_join_channels", -1}}, "options.max_auto_join_channels must be an integer from 0 to 100000"},
      {Json{{"max_auto_join_channels", "5"}}, "options.max_auto_join_channels must be an integer from 0 to 100000"},
      {Json{{"typing_stop_on_close", "sometimes"}},
       R"(options.typing_stop_on_close must be one of "every_close", "last_socket", "never")"},
      {Json{{"max_autojoin", 5}},
       "options.max_autojoin is not an option of pythia (it has: join_announcements, max_auto_join_channels, "
       "member_pointer, typing_stop_on_close)"},
      {Json{{"join_announcements", "sometimes"}},
       R"(options.join_announcements must be one of "non_members", "always", "never")"},
      {Json{{"member_pointer", "member"}}, R"(options.member_pointer must be a JSON pointer ("/member"))"},
      {Json{{"member_pointer", 5}}, R"(options.member_pointer must be a JSON pointer ("/member"))"},
      {Json::array(), "options must be an object"},
  };
  for (const auto& [options, problem] : cases) {
    auto o = pythia::parse_options(options);
    ASSERT_FALSE(o) << options.dump();
    EXPECT_EQ(o.error(), problem);
  }
}

}  // namespace
}  // namespace gangway::adapters
