#include "gateway/config/config.hpp"

#include <gtest/gtest.h>

#include "gateway/core/json_parse.hpp"
#include "tests/support/deep_json.hpp"

namespace gangway {
namespace config_test {  // its own: the unity build compiles it with other test files
namespace {

Json minimal() {
  return Json::parse(R"({
    "gateway_id": "gw-1",
    "apps": [{"name": "tribe", "dialect": "tribe", "listen": "127.0.0.1:8000", "routes": ["/api/v1/ws"],
              "jwt": {"keys": [{"alg": "HS256", "secret": "config-test-secret-0123456789abcdef"}], "audience": "gangway"},
              "backend": {"url": "http://127.0.0.1:8001"},
              "callouts": {"conversation_participant": {"path": "/p/{conversation_id}", "cache_ttl_ms": 5000}},
              "persist": {"message": {"via": "http", "callout": "conversation_participant"}},
              "limits": {"max_connections_per_user": 5, "rates": {"message": [[30, 60], [500, 3600]]}},
              "options": {"window_hours": 6}}]
  })");
}

TEST(Config, ParsesAnApp) {
  auto c = parse_config(minimal().dump());
  ASSERT_TRUE(c) << c.error();
  const auto& app = c->apps.at(0);
  EXPECT_EQ(app.port, 8000);
  EXPECT_EQ(app.jwt.audiences, std::vector<std::string>{"gangway"});
  EXPECT_EQ(app.callouts.at("conversation_participant").cache_ttl.count(), 5000);
  EXPECT_EQ(app.persist.at("message").via, PersistSpec::Via::http);
  EXPECT_EQ(app.limits.max_connections_per_user, 5);
  EXPECT_EQ(app.limits.rates.at("message").at(1), (std::pair<int, int>{500, 3600}));
  EXPECT_EQ(app.options["window_hours"], 6);
  EXPECT_TRUE(c->nats.enabled);
  EXPECT_EQ(c->nats.subject_prefix, "gw");
}

TEST(Config, PermessageDeflateIsOffByDefaultAndTakesTrueOrSettings) {
  auto off = parse_config(minimal().dump());
  ASSERT_TRUE(off) << off.error();
  EXPECT_FALSE(off->apps[0].permessage_deflate.enabled);
  Json j = minimal();
  j["apps"][0]["permessage_deflate"] = true;
  auto on = parse_config(j.dump());
  ASSERT_TRUE(on) << on.error();
  EXPECT_TRUE(on->apps[0].permessage_deflate.enabled);
  EXPECT_EQ(on->apps[0].permessage_deflate.min_bytes, 256u);
  EXPECT_EQ(on->apps[0].permessage_deflate.level, 6);
  j["apps"][0]["permessage_deflate"] = {{"min_bytes", 1024}, {"level", 1}};
  auto tuned = parse_config(j.dump());
  ASSERT_TRUE(tuned) << tuned.error();
  EXPECT_TRUE(tuned->apps[0].permessage_deflate.enabled) << "settings without `enabled` mean on";
  EXPECT_EQ(tuned->apps[0].permessage_deflate.min_bytes, 1024u);
  EXPECT_EQ(tuned->apps[0].permessage_deflate.level, 1);
}

TEST(Config, NamesTheOffendingKey) {
  struct Case {
    const char* pointer;
    Json value;
    const char* expect;
  };
  const Case cases[] = {
      {"/apps/0/name", "Bad.Name", "config.apps[0].name"},
      {"/apps/0/listen", "nowhere", "config.apps[0].listen"},
      {"/apps/0/routes", Json::array(), "config.apps[0].routes"},
      {"/apps/0/routes/0", "no-slash", "config.apps[0].routes"},
      {"/apps/0/jwt/keys/0/alg", "none", "config.apps[0].jwt.keys[0].alg"},
      {"/apps/0/jwt/keys", Json::array(), "config.apps[0].jwt.keys"},
      {"/apps/0/jwt/jwks_url", "ftp://idp/jwks.json", "config.apps[0].jwt.jwks_url"},
      {"/apps/0/jwt/jwks_refresh_s", 0, "config.apps[0].jwt.jwks_refresh_s"},
      {"/apps/0/callouts/conversation_participant/method", "TRACE", "method"},
      {"/apps/0/callouts/conversation_participant/path", "/c/{frame:nope}", "{frame:nope} is not a placeholder"},
      {"/apps/0/callouts/conversation_participant/path", "/c/{frame:/x?}", "cannot be optional"},
      {"/apps/0/callouts/conversation_participant/body", Json::object(), "a GET sends no body"},
      {"/apps/0/callouts/conversation_participant/body", 5, "body must be a string"},
      {"/apps/0/callouts/conversation_participant/query", "a=1", "query must map"},
      {"/apps/0/callouts/conversation_participant/query", Json::parse(R"({"a": 1})"), "query.a must be a string"},
      {"/apps/0/callouts/conversation_participant/response_pointer", "message", "not a JSON pointer"},
      {"/apps/0/callouts/conversation_participant/list_pointer", "groups", "list_pointer"},
      {"/apps/0/persist/message/into", "message", "persist.message.into"},
      {"/apps/0/persist/message/fan_out", "nobody", "fan_out must be gateway or backend"},
      {"/apps/0/sender", Json::parse(R"({"claims": {"photo": "picture"}})"), "unknown field 'photo'"},
      {"/apps/0/sender", Json::parse(R"({"callout": "nope", "pointers": {"avatar_url": "/a"}})"), "sender.callout names no callout"},
      {"/apps/0/sender", Json::parse(R"({"callout": "conversation_participant"})"), "go together"},
      {"/apps/0/sender", Json::parse(R"({"claims": {"avatar_url": "picture"}, "pointers": {"name": "x"}})"), "not a JSON pointer"},
      {"/apps/0/persist/message/via", "carrier-pigeon", "persist.message.via"},
      {"/apps/0/persist/message/callout", "missing", "names no callout"},
      {"/apps/0/limits/rates/message", Json::parse("[[0, 60]]"), "rates.message"},
      {"/apps/0/admin_pointer", "no-leading-slash", "not a JSON pointer"},
      {"/apps/0/permessage_deflate", "yes", "permessage_deflate"},
      {"/apps/0/permessage_deflate", Json::parse(R"({"level": 12})"), "permessage_deflate.level"},
      {"/apps/0/permessage_deflate", Json::parse(R"({"min_bytes": 0})"), "permessage_deflate.min_bytes"},
      {"/apps/0/permessage_deflate", Json::parse(R"({"min_bytes": -1})"), "permessage_deflate.min_bytes"},
      {"/gateway_id", "has.dot", "gateway_id"},
      {"/nats", Json::parse(R"({"subject_prefix": "a.b"})"), "subject_prefix"},
      {"/max_json_depth", 0, "max_json_depth"},
      {"/max_json_depth", 100000, "max_json_depth"},
      {"/apps/0/callouts/conversation_participant/timeout_ms", 0, "timeout_ms must be 1 to"},
      {"/apps/0/callouts/conversation_participant/cache_ttl_ms", -1, "cache_ttl_ms must be 0 to"},
      {"/apps/0/backend/threads", 0, "config.apps[0].backend.threads"},
      {"/apps/0/backend/threads", -1, "config.apps[0].backend.threads"},
      {"/apps/0/backend/queue", 0, "config.apps[0].backend.queue"},
      {"/apps/0/backend/breaker", 5, "config.apps[0].backend.breaker must be an object"},
      {"/apps/0/backend/breaker", Json::parse(R"({"failures": -1})"), "backend.breaker.failures"},
      {"/apps/0/backend/breaker", Json::parse(R"({"cooldown_ms": 0})"), "backend.breaker.cooldown_ms"},
      {"/admin", Json::parse(R"({"listen": "127.0.0.1:9100", "max_connections": 0})"), "admin.max_connections"},
      {"/admin", Json::parse(R"({"listen": "127.0.0.1:9100", "request_timeout_ms": 0})"), "admin.request_timeout_ms"},
      {"/admin", Json::parse(R"({"listen": "127.0.0.1:9100", "idle_timeout_ms": -5})"), "admin.idle_timeout_ms"},
      {"/delivery", "fast", "config.delivery must be an object"},
      {"/delivery", Json::parse(R"({"max_backlog_bytes": 1000})"), "config.delivery.max_backlog_bytes must be"},
      {"/delivery", Json::parse(R"({"max_delay_ms": 0})"), "config.delivery.max_delay_ms must be 10 to"},
      {"/delivery", Json::parse(R"({"max_delay_ms": "1s"})"), "config.delivery.max_delay_ms has the wrong type"},
      {"/delivery", Json::parse(R"({"max_write_stall_ms": 99})"), "config.delivery.max_write_stall_ms must be"},
  };
  for (const auto& c : cases) {
    Json j = minimal();
    j[Json::json_pointer(c.pointer)] = c.value;
    auto r = parse_config(j.dump());
    ASSERT_FALSE(r) << c.pointer;
    EXPECT_NE(r.error().find(c.expect), std::string::npos) << r.error();
  }
  EXPECT_FALSE(parse_config("not json"));
  EXPECT_FALSE(parse_config(R"({"apps": []})"));
  Json dup = minimal();
  dup["apps"].push_back(dup["apps"][0]);
  EXPECT_FALSE(parse_config(dup.dump()));
}

TEST(Config, CalloutQueueBreakerAndAdminLimitsHaveDefaultsAndAreConfigurable) {
  auto c = parse_config(minimal().dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->apps[0].backend_queue, 1024u);
  EXPECT_EQ(c->apps[0].backend_breaker.failures, 5u);
  EXPECT_EQ(c->apps[0].backend_breaker.cooldown.count(), 5000);
  EXPECT_EQ(c->admin_host, "127.0.0.1");
  EXPECT_EQ(c->admin.max_connections, 64u);
  Json j = minimal();
  j["apps"][0]["backend"]["queue"] = 10;
  j["apps"][0]["backend"]["breaker"] = {{"failures", 0}, {"cooldown_ms", 250}};
  j["admin"] = {{"listen", "127.0.0.1:9100"}, {"max_connections", 8}, {"request_timeout_ms", 700},
                {"idle_timeout_ms", 900}};
  c = parse_config(j.dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->apps[0].backend_queue, 10u);
  EXPECT_EQ(c->apps[0].backend_breaker.failures, 0u);
  EXPECT_EQ(c->apps[0].backend_breaker.cooldown.count(), 250);
  EXPECT_EQ(c->admin_port, 9100);
  EXPECT_EQ(c->admin.max_connections, 8u);
  EXPECT_EQ(c->admin.request_timeout.count(), 700);
  EXPECT_EQ(c->admin.idle_timeout.count(), 900);
}

TEST(Config, DeliveryBoundsHaveDefaultsAndAreConfigurable) {
  auto c = parse_config(minimal().dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->delivery.max_backlog_bytes, 8u * 1024 * 1024);
  EXPECT_EQ(c->delivery.max_delay.count(), 500);
  EXPECT_EQ(c->delivery.max_write_stall.count(), 10000);
  Json j = minimal();
  j["delivery"] = {{"max_backlog_bytes", 1 << 20}, {"max_delay_ms", 250}, {"max_write_stall_ms", 3000}};
  c = parse_config(j.dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->delivery.max_backlog_bytes, 1u << 20);
  EXPECT_EQ(c->delivery.max_delay.count(), 250);
  EXPECT_EQ(c->delivery.max_write_stall.count(), 3000);
}

// A container opens its apps with GANGWAY_LISTEN_HOST; the admin port stays
// on loopback unless GANGWAY_ADMIN_HOST says otherwise.
TEST(Config, ListenHostDoesNotOpenTheAdminPort) {
  Json j = minimal();
  j["admin"] = {{"listen", "127.0.0.1:9100"}};
  auto c = parse_config(j.dump());
  ASSERT_TRUE(c) << c.error();
  setenv("GANGWAY_LISTEN_HOST", "0.0.0.0", 1);
  apply_env_overrides(*c);
  EXPECT_EQ(c->apps[0].host, "0.0.0.0");
  EXPECT_EQ(c->admin_host, "127.0.0.1");
  setenv("GANGWAY_ADMIN_HOST", "10.1.2.3", 1);
  apply_env_overrides(*c);
  EXPECT_EQ(c->admin_host, "10.1.2.3");
  unsetenv("GANGWAY_LISTEN_HOST");
  unsetenv("GANGWAY_ADMIN_HOST");
}

TEST(Config, TheJsonDepthBoundIsConfigurable) {
  auto c = parse_config(minimal().dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->max_json_depth, kDefaultMaxJsonDepth);
  Json j = minimal();
  j["max_json_depth"] = 16;
  c = parse_config(j.dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->max_json_depth, 16u);
}

TEST(Config, ADeeplyNestedConfigIsRefusedWithAReason) {
  for (std::size_t levels : test::kDeepLevels) {
    Json j = minimal();
    std::string text = j.dump();
    text.insert(1, R"("deep":)" + test::nested_arrays(levels) + ",");
    auto r = parse_config(text);
    ASSERT_FALSE(r) << levels;
    EXPECT_NE(r.error().find("nests deeper than"), std::string::npos) << r.error();
  }
}

TEST(Config, AKeySetUrlStandsInForKeys) {
  Json j = minimal();
  j["apps"][0]["jwt"] = {{"jwks_url", "https://idp.example/.well-known/jwks.json"}, {"jwks_refresh_s", 60}};
  auto c = parse_config(j.dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->apps[0].jwt.keys.empty());
  EXPECT_EQ(c->apps[0].jwt.jwks_url, "https://idp.example/.well-known/jwks.json");
  EXPECT_EQ(c->apps[0].jwt.jwks_refresh_s, 60);
}

TEST(Config, SecretsComeFromTheEnvironment) {
  Json j = minimal();
  j["apps"][0]["jwt"]["keys"][0] = {{"alg", "HS256"}, {"secret_env", "GANGWAY_TEST_SECRET_UNSET"}};
  EXPECT_FALSE(parse_config(j.dump()));
  setenv("GANGWAY_TEST_SECRET_SET", "from-env-0123456789abcdef0123456789", 1);
  j["apps"][0]["jwt"]["keys"][0]["secret_env"] = "GANGWAY_TEST_SECRET_SET";
  auto c = parse_config(j.dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->apps[0].jwt.keys[0].material, "from-env-0123456789abcdef0123456789");
}

}  // namespace
}  // namespace config_test
}  // namespace gangway
