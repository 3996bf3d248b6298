// The upgrade gate: route, origin, authentication (token or cookie),
// connection limits and the dialect's open checks, each refusing the way its
// dialect does — a bare HTTP status, or accept-then-close with a code.
#include "gateway/session/upgrade_gate.hpp"

#include <gtest/gtest.h>

#include "tests/session/session_harness.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;

json tribe_web_app() {
  json app = tribe_app();
  app["admin_pointer"] = "/is_admin";
  app["allowed_origins"] = {"https://app.example"};
  return app;
}

json circles_app() {
  return {{"name", "circles"},
          {"dialect", "circles"},
          {"routes", {"/ws/dms/{thread_id}", "/ws/user/{user_id}", "/ws/places/{place_id}/chat"}},
          {"jwt", {{"keys", {{{"alg", "HS256"}, {"secret", SessionHarness::kSecret}}}}}},
          {"callouts",
           {{"dm_access", {{"path", "/dms/{thread_id}/access/{user_id}"}}},
            {"place_checkin", {{"path", "/places/{place_id}/checkins/{user_id}"}}}}},
          {"limits", {{"max_connections_per_user", 1}}}};
}

json social_app() {
  return {{"name", "social"},
          {"dialect", "social"},
          {"routes", {"/ws"}},
          {"allowed_origins", {"https://social.example"}},
          {"session", {{"cookie", "session_id"}, {"callout", "session"}}},
          {"admin_pointer", "/is_admin"},
          {"callouts",
           {{"session", {{"path", "/session"}, {"forward", {"cookie"}}}},
            {"user_groups", {{"path", "/users/{user_id}/groups"}}},
            {"group_member", {{"path", "/groups/{group_id}/members/{user_id}"}}}}}};
}

TEST(UpgradeGate, RefusesWhatItCannotServeWithABareStatus) {
  SessionHarness h(tribe_web_app());
  const std::string token = "?token=" + SessionHarness::token("u-1");
  EXPECT_EQ(h.upgrade("/nope" + token)->refused, 404u);
  auto plain = h.socket();
  const std::string target = "/api/v1/ws" + token;
  UpgradeRequest not_websocket;
  not_websocket.target = target;
  UpgradeGate(plain->session, *plain).run(not_websocket);
  EXPECT_EQ(plain->refused, 426u);
  EXPECT_EQ(h.upgrade("/api/v1/ws" + token, "", "", "https://evil.example")->refused, 403u);
  EXPECT_EQ(h.upgrade("/api/v1/ws" + token, "", "", "https://app.example")->refused, std::nullopt);
  EXPECT_EQ(h.upgrade("/api/v1/ws" + token)->refused, std::nullopt) << "no Origin: not a browser";
  for (const std::string& bad : {std::string(), std::string("?token="), std::string("?token=garbage"),
                                 "?token=" + SessionHarness::token("a.b"),  // an id that cannot be a subject token
                                 "?token=" + SessionHarness::token("u-1", {{"exp", 1}})}) {
    auto peer = h.upgrade("/api/v1/ws" + bad);
    EXPECT_EQ(peer->refused, 401u) << bad;
    EXPECT_FALSE(peer->accepted);
  }
  EXPECT_NE(h.metrics.render().find(R"(gangway_errors_total{app="tribe",code="unauthorized"} 5)"), std::string::npos)
      << h.metrics.render();
}

TEST(UpgradeGate, AValidTokenOpensTheSessionGreetsAndAnnouncesTheConnect) {
  SessionHarness h(tribe_web_app());
  auto connects = h.watch("gw.in.tribe.connect");
  auto peer = h.upgrade("/api/v1/ws?token=" + SessionHarness::token("u-1"));
  ASSERT_TRUE(peer->accepted);
  ASSERT_EQ(peer->frames, std::vector<std::string>{R"({"event":"connected","message":"WebSocket connection established"})"});
  EXPECT_EQ(peer->session.info().user.id, "u-1");
  EXPECT_EQ(peer->session.info().user.name, "u-1 Name");
  ASSERT_TRUE(h.wait_for(connects, 1));
  auto connect = json::parse((*connects)[0].data);
  EXPECT_EQ(connect["user"]["id"], "u-1");
  EXPECT_EQ(connect["conn"], peer->session.info().conn_id);
  EXPECT_TRUE(h.presence->present("tribe", {"user", "u-1"}, "u-1"));
  EXPECT_EQ(h.app->metrics->connections.load(), 1);
}

TEST(UpgradeGate, TheUsernameIsItsClaimElseTheDisplayName) {
  SessionHarness h(tribe_web_app());
  auto with = h.upgrade("/api/v1/ws?token=" + SessionHarness::token("u-1", {{"username", "ann_1"}}));
  EXPECT_EQ(with->session.info().user.username, "ann_1");
  auto without = h.upgrade("/api/v1/ws?token=" + SessionHarness::token("u-2"));
  EXPECT_EQ(without->session.info().user.username, "u-2 Name");
}

TEST(UpgradeGate, AdminComesFromTheConfiguredPointer) {
  SessionHarness h(tribe_web_app());
  EXPECT_TRUE(h.upgrade("/api/v1/ws?token=" + SessionHarness::token("u-1", {{"is_admin", true}}))->session.info().user.admin);
  EXPECT_FALSE(h.upgrade("/api/v1/ws?token=" + SessionHarness::token("u-2", {{"is_admin", "yes"}}))->session.info().user.admin);
}

TEST(UpgradeGate, TheTokenIsKeptOnlyWhereACalloutForwardsIt) {
  SessionHarness h(tribe_web_app());
  auto dropped = h.upgrade("/api/v1/ws?token=" + SessionHarness::token("u-1"));
  EXPECT_FALSE(dropped->session.keeps_credentials()) << "nothing forwards them: not even the empty strings are kept";
  json forwarding = tribe_web_app();
  forwarding["callouts"]["conversation_participant"]["forward"] = {"bearer"};
  SessionHarness f(forwarding);
  const std::string token = SessionHarness::token("u-1");
  auto kept = f.upgrade("/api/v1/ws", "Bearer " + token);
  EXPECT_EQ(kept->refused, 401u) << "tribe reads ?token= unless token_sources says otherwise";
  kept = f.upgrade("/api/v1/ws?token=" + token);
  EXPECT_EQ(kept->session.credentials().token, token);
}

TEST(UpgradeGate, ABearerTokenWhereTheAppTakesOne) {
  json app = tribe_web_app();
  app["token_sources"] = {"bearer", "query:access_token"};
  SessionHarness h(app);
  EXPECT_TRUE(h.upgrade("/api/v1/ws", "Bearer " + SessionHarness::token("u-1"))->accepted);
  EXPECT_TRUE(h.upgrade("/api/v1/ws", "bearer " + SessionHarness::token("u-1"))->accepted) << "the scheme is case-insensitive";
  EXPECT_TRUE(h.upgrade("/api/v1/ws?access_token=" + SessionHarness::token("u-1"))->accepted);
  EXPECT_EQ(h.upgrade("/api/v1/ws?token=" + SessionHarness::token("u-1"))->refused, 401u);
}

TEST(UpgradeGate, OverTheConnectionLimitTribeRefusesWith429) {
  json app = tribe_web_app();
  app["limits"] = {{"max_connections_per_user", 1}};
  SessionHarness h(app);
  auto first = h.connect("u-1", "/api/v1/ws");
  EXPECT_EQ(h.upgrade("/api/v1/ws?token=" + SessionHarness::token("u-1"))->refused, 429u);
  EXPECT_TRUE(h.upgrade("/api/v1/ws?token=" + SessionHarness::token("u-2"))->accepted) << "another user";
}

TEST(UpgradeGate, CirclesAcceptsThenClosesWithItsCodes) {
  SessionHarness h(circles_app());
  auto no_token = h.upgrade("/ws/dms/2");
  EXPECT_TRUE(no_token->accepted);
  EXPECT_EQ(no_token->closed, (std::pair<int, std::string>{4401, "Unauthorized"}));

  h.backend.answer("/dms/2/access/8", 403, "{}");
  auto forbidden = h.upgrade("/ws/dms/2?token=" + SessionHarness::token("8"));
  EXPECT_EQ(forbidden->closed, (std::pair<int, std::string>{4403, "Forbidden"}));
  EXPECT_FALSE(forbidden->session.is_open());

  h.backend.answer("/dms/3/access/8", 500, "{}");
  auto down = h.upgrade("/ws/dms/3?token=" + SessionHarness::token("8"));
  EXPECT_EQ(down->closed, (std::pair<int, std::string>{1011, "Authorization unavailable"})) << "fail closed";

  auto someone_else = h.upgrade("/ws/user/9?token=" + SessionHarness::token("8"));
  EXPECT_EQ(someone_else->closed, (std::pair<int, std::string>{4401, "Refused"}));

  h.backend.answer("/dms/4/access/8", 200, R"({"participants":[8,9]})");
  auto allowed = h.upgrade("/ws/dms/4?token=" + SessionHarness::token("8"));
  EXPECT_FALSE(allowed->closed);
  EXPECT_TRUE(allowed->session.is_open());
  EXPECT_EQ(allowed->session.info().context["dm_access"], json::parse(R"({"participants":[8,9]})"));
  auto second = h.upgrade("/ws/user/8?token=" + SessionHarness::token("8"));
  EXPECT_EQ(second->closed, (std::pair<int, std::string>{1008, "Too many connections"}));
}

TEST(UpgradeGate, ACookieSessionIsAskedOfTheBackend) {
  SessionHarness h(social_app());
  h.backend.answer("/session", 200, R"({"user_id":7,"username":"alice","is_admin":true})");
  h.backend.answer("/users/7/groups", 200, "[]");
  EXPECT_EQ(h.upgrade("/ws")->refused, 401u) << "no cookie: refused without asking";
  EXPECT_EQ(h.backend.request_count(), 0u);
  auto peer = h.upgrade("/ws", "", "theme=dark; session_id=s3cret", "https://social.example");
  ASSERT_TRUE(peer->accepted);
  EXPECT_EQ(peer->session.info().user.id, "7");
  EXPECT_EQ(peer->session.info().user.name, "alice");
  EXPECT_TRUE(peer->session.info().user.admin);
  EXPECT_EQ(h.backend.requests().at(0).header("Cookie"), "theme=dark; session_id=s3cret");
  EXPECT_EQ(h.upgrade("/ws", "", "session_id=s3cret", "https://evil.example")->refused, 403u);
  h.backend.answer("/session", 401, "{}");
  EXPECT_EQ(h.upgrade("/ws", "", "session_id=expired")->refused, 401u);
}

}  // namespace
}  // namespace gangway::test
