// config.apps[].passthrough (gateway/config/passthrough_config.cpp).
#include <gtest/gtest.h>

#include "gateway/config/config.hpp"

namespace gangway {
namespace {

Json app_with(Json passthrough, std::string backend_url = "http://127.0.0.1:8001") {
  Json app = Json::parse(R"({"name": "tribe", "dialect": "tribe", "listen": "127.0.0.1:8000",
                             "routes": ["/api/v1/ws"], "jwt": {"keys": [{"alg": "HS256", "secret": "0123456789abcdef0123456789abcdef"}]}})");
  if (!backend_url.empty()) app["backend"] = {{"url", backend_url}};
  if (!passthrough.is_null()) app["passthrough"] = passthrough;
  return Json{{"apps", Json::array({app})}};
}

TEST(PassThroughConfig, OffUnlessAsked) {
  auto c = parse_config(app_with(nullptr).dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->apps[0].passthrough.enabled);
}

TEST(PassThroughConfig, TrueTakesTheDefaults) {
  auto c = parse_config(app_with(true).dump());
  ASSERT_TRUE(c) << c.error();
  const auto& o = c->apps[0].passthrough;
  EXPECT_TRUE(o.enabled);
  EXPECT_TRUE(o.prefixes.empty());
  EXPECT_EQ(o.max_header_bytes, 16u * 1024);
  EXPECT_EQ(o.max_body_bytes, 10u * 1024 * 1024);
  EXPECT_FALSE(o.trust_forwarded);
  EXPECT_TRUE(o.preserve_host);
}

TEST(PassThroughConfig, EveryKeyIsRead) {
  auto c = parse_config(app_with({{"prefixes", {"/api/", "/demo/"}},
                                  {"connect_timeout_ms", 100},
                                  {"read_timeout_ms", 200},
                                  {"client_timeout_ms", 300},
                                  {"idle_timeout_ms", 400},
                                  {"max_header_bytes", 4096},
                                  {"max_body_bytes", 0},
                                  {"pool_size", 0},
                                  {"pool_idle_ms", 500},
                                  {"trust_forwarded", true},
                                  {"preserve_host", false}})
                            .dump());
  ASSERT_TRUE(c) << c.error();
  const auto& o = c->apps[0].passthrough;
  EXPECT_TRUE(o.enabled);
  EXPECT_EQ(o.prefixes, (std::vector<std::string>{"/api/", "/demo/"}));
  EXPECT_EQ(o.connect_timeout.count(), 100);
  EXPECT_EQ(o.read_timeout.count(), 200);
  EXPECT_EQ(o.client_timeout.count(), 300);
  EXPECT_EQ(o.idle_timeout.count(), 400);
  EXPECT_EQ(o.max_header_bytes, 4096u);
  EXPECT_EQ(o.max_body_bytes, 0u);
  EXPECT_EQ(o.pool_size, 0u);
  EXPECT_EQ(o.pool_idle.count(), 500);
  EXPECT_TRUE(o.trust_forwarded);
  EXPECT_FALSE(o.preserve_host);
}

TEST(PassThroughConfig, BadValuesNameTheKey) {
  struct Case {
    Json passthrough;
    std::string backend_url;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"yes", "http://127.0.0.1:8001", "passthrough must be true, false or an object"},
      {{{"prefixes", {"api/"}}}, "http://127.0.0.1:8001", "passthrough.prefixes: 'api/' must start with '/'"},
      {{{"read_timeout_ms", 0}}, "http://127.0.0.1:8001", "passthrough.read_timeout_ms must be 1 to"},
      {{{"max_header_bytes", 100}}, "http://127.0.0.1:8001", "passthrough.max_header_bytes must be 1024 to"},
      {{{"max_body_bytes", -1}}, "http://127.0.0.1:8001", "passthrough.max_body_bytes must be 0 to"},
      {{{"trust_forwarded", "yes"}}, "http://127.0.0.1:8001", "passthrough.trust_forwarded has the wrong type"},
      {true, "", "passthrough needs backend.url"},
      {true, "https://api.example", "passthrough needs an http:// backend.url"},
  };
  for (const auto& k : cases) {
    auto c = parse_config(app_with(k.passthrough, k.backend_url).dump());
    ASSERT_FALSE(c) << k.passthrough.dump();
    EXPECT_NE(c.error().find("config.apps[0]." + k.says), std::string::npos) << c.error();
  }
  // Off needs no backend.
  EXPECT_TRUE(parse_config(app_with(false, "").dump()));
}

}  // namespace
}  // namespace gangway
