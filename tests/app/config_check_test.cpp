// Gateway::check, what --check-config adds to the parser: ports two listeners
// would share, and callout parameters nothing fills. And the README's
// `--check-config` on the demo config, where the demo's secret is not set.
#include <gtest/gtest.h>

#include <cstdlib>

#include "gateway/app/gateway.hpp"

namespace gangway {
namespace {

constexpr const char* kSecret = "config-check-secret-0123456789abcdef";

Json tribe_app(const std::string& name, const std::string& listen) {
  return {{"name", name},
          {"dialect", "tribe"},
          {"listen", listen},
          {"routes", {"/api/v1/ws"}},
          {"jwt", {{"keys", {{{"alg", "HS256"}, {"secret", kSecret}}}}}},
          {"backend", {{"url", "http://127.0.0.1:8001"}}},
          {"callouts", {{"conversation_participant", {{"path", "/p/{conversation_id}/{user_id}"}}}}}};
}

Json circles_app(const std::vector<std::string>& routes) {
  return {{"name", "circles"},
          {"dialect", "circles"},
          {"listen", "127.0.0.1:8010"},
          {"routes", routes},
          {"jwt", {{"keys", {{{"alg", "HS256"}, {"secret", kSecret}}}}}},
          {"backend", {{"url", "http://127.0.0.1:8001"}}},
          {"callouts",
           {{"dm_access", {{"path", "/dms/{thread_id}/access/{user_id}"}}},
            {"place_checkin", {{"path", "/places/{place_id}/checkins/{user_id}?window_hours={window_hours}"}}}}}};
}

std::string problems_of(const Json& config) {
  auto c = parse_config(config.dump());
  if (!c) return "parse: " + c.error();
  return Gateway::check(*c);
}

Json with_apps(std::vector<Json> apps) {
  Json j = {{"nats", {{"enabled", false}}}, {"apps", Json::array()}};
  for (auto& a : apps) j["apps"].push_back(std::move(a));
  return j;
}

TEST(ConfigCheck, TwoAppsOnOnePortAreNamed) {
  auto problems = problems_of(with_apps({tribe_app("one", "127.0.0.1:8000"), tribe_app("two", "127.0.0.1:8000")}));
  EXPECT_EQ(problems,
            "config.apps[1].listen: 127.0.0.1:8000 is also the port of config.apps[0] (app one); each app needs a port "
            "of its own\n");
}

TEST(ConfigCheck, EveryInterfaceOverlapsEachOneAndLocalhostIsLoopback) {
  EXPECT_NE(problems_of(with_apps({tribe_app("one", "0.0.0.0:8000"), tribe_app("two", "127.0.0.1:8000")})), "");
  EXPECT_NE(problems_of(with_apps({tribe_app("one", "localhost:8000"), tribe_app("two", "127.0.0.1:8000")})), "");
  // Not a clash: other addresses, other ports, or "any free port".
  EXPECT_EQ(problems_of(with_apps({tribe_app("one", "127.0.0.1:8000"), tribe_app("two", "127.0.0.2:8000")})), "");
  EXPECT_EQ(problems_of(with_apps({tribe_app("one", "127.0.0.1:8000"), tribe_app("two", "127.0.0.1:8001")})), "");
  EXPECT_EQ(problems_of(with_apps({tribe_app("one", "127.0.0.1:0"), tribe_app("two", "127.0.0.1:0")})), "");
}

TEST(ConfigCheck, AnAppOnTheAdminPortIsNamed) {
  Json j = with_apps({tribe_app("one", "127.0.0.1:9100")});
  j["admin"] = {{"listen", "127.0.0.1:9100"}};
  EXPECT_EQ(problems_of(j), "config.apps[0].listen: 127.0.0.1:9100 is also the port of config.admin.listen\n");
}

// The issue's case: a DM route whose parameter circles does not know. Every
// DM socket would close 4403; the check names the parameter instead.
TEST(ConfigCheck, ARouteParameterNoCalloutCanBeFilledFromIsNamed) {
  auto problems = problems_of(with_apps({circles_app({"/ws/dms/{dm_id}", "/ws/user/{user_id}",
                                                      "/ws/places/{place_id}/chat"})}));
  EXPECT_EQ(problems,
            "config.apps[0].callouts.dm_access.path: nothing fills {thread_id} (the routes have dm_id, user_id, "
            "place_id; user_id)\n");
  EXPECT_EQ(problems_of(with_apps({circles_app({"/ws/dms/{thread_id}", "/ws/user/{user_id}",
                                                "/ws/places/{place_id}/chat"})})),
            "");
}

TEST(ConfigCheck, WhatTheDialectFillsFromFramesCounts) {
  Json ok = with_apps({tribe_app("one", "127.0.0.1:8000")});
  EXPECT_EQ(problems_of(ok), "") << "tribe fills conversation_id from the frame";
  Json typo = ok;
  typo["apps"][0]["callouts"]["conversation_participant"]["path"] = "/p/{conversation}/{user_id}";
  EXPECT_EQ(problems_of(typo),
            "config.apps[0].callouts.conversation_participant.path: nothing fills {conversation} (the routes have no "
            "parameters; user_id; tribe fills conversation_id)\n");
  Json body = ok;
  body["apps"][0]["callouts"]["conversation_participant"]["method"] = "POST";
  body["apps"][0]["callouts"]["conversation_participant"]["body"] = R"({"who":"{user_id}","what":{data}})";
  EXPECT_EQ(problems_of(body), "") << "{data} is the frame's data";
  body["apps"][0]["callouts"]["conversation_participant"]["body"] = R"({"who":"{usr}"})";
  EXPECT_NE(problems_of(body).find("conversation_participant.body: nothing fills {usr}"), std::string::npos);
}

TEST(ConfigCheck, TheSessionCalloutRunsBeforeTheUserIsKnown) {
  Json social = {{"name", "social"},
                 {"dialect", "social"},
                 {"listen", "127.0.0.1:8030"},
                 {"routes", {"/ws"}},
                 {"allowed_origins", {"http://127.0.0.1:8001"}},
                 {"backend", {{"url", "http://127.0.0.1:8001"}}},
                 {"session", {{"cookie", "session_id"}, {"callout", "session"}}},
                 {"callouts",
                  {{"session", {{"path", "/session/{user_id}"}, {"forward", {"cookie"}}}},
                   {"user_groups", {{"path", "/users/{user_id}/groups"}}},
                   {"group_member", {{"path", "/groups/{group_id}/members/{user_id}"}}}}}};
  EXPECT_EQ(problems_of(with_apps({social})),
            "config.apps[0].callouts.session.path: nothing fills {user_id} (the routes have no parameters; user_id is "
            "not known yet when the session callout runs)\n");
}

// README.md: `build/gangway --config deploy/gangway.demo.json --check-config`
// works as written, without the demo's secret.
TEST(ConfigCheck, TheDemoConfigPassesWithoutItsSecretAndNamesIt) {
  unsetenv("GANGWAY_JWT_SECRET");
  auto c = load_config(std::string(GANGWAY_SOURCE_DIR) + "/deploy/gangway.demo.json", Secrets::deferred);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(Gateway::check(*c), "");
  ASSERT_FALSE(c->unset_env.empty());
  for (const auto& unset : c->unset_env) EXPECT_EQ(unset.variable, "GANGWAY_JWT_SECRET") << unset.key;
  // To serve, the secret is required.
  auto serving = load_config(std::string(GANGWAY_SOURCE_DIR) + "/deploy/gangway.demo.json");
  ASSERT_FALSE(serving);
  EXPECT_NE(serving.error().find("environment variable GANGWAY_JWT_SECRET is not set"), std::string::npos);
}

}  // namespace
}  // namespace gangway
