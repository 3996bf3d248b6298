// config.drain and the admin API's bearer secret: defaults, every way to set
// them, and every refusal naming its key (and never quoting the secret).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "gateway/config/config.hpp"
#include "tests/support/process.hpp"

namespace gangway {
namespace {

constexpr const char* kBearer = "admin-secret-0123456789abcdef";

Json base() {
  return Json::parse(R"({
    "gateway_id": "gw-1",
    "admin": {"listen": "127.0.0.1:9100"},
    "apps": [{"name": "tribe", "dialect": "tribe", "listen": "127.0.0.1:8000", "routes": ["/api/v1/ws"],
              "jwt": {"keys": [{"alg": "HS256", "secret": "0123456789abcdef0123456789abcdef"}]}}]
  })");
}

TEST(DrainConfig, DefaultsMatchTheStoppingTable) {
  auto c = parse_config(base().dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->drain.grace.count(), 25);  // docs/deployment.md: drain 25 s
  EXPECT_EQ(c->drain.refuse_after.count(), 5);
  EXPECT_EQ(c->drain.flush.count(), 5);
}

TEST(DrainConfig, EachKeyIsReadAndABadOneIsNamed) {
  Json j = base();
  j["drain"] = {{"grace_s", 6}, {"refuse_after_s", 1}, {"flush_s", 2}};
  auto c = parse_config(j.dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->drain.grace.count(), 6);
  EXPECT_EQ(c->drain.refuse_after.count(), 1);
  EXPECT_EQ(c->drain.flush.count(), 2);
  const std::pair<Json, std::string> bad[] = {
      {{{"grace_s", 1}}, "drain.grace_s"},
      {{{"grace_s", 4000}}, "drain.grace_s"},
      {{{"refuse_after_s", -1}}, "drain.refuse_after_s"},
      {{{"flush_s", 1}}, "drain.flush_s"},
      {{{"grace_s", 8}, {"refuse_after_s", 5}, {"flush_s", 5}}, "must not exceed drain.grace_s"},
      {{{"grace_s", "25"}}, "drain.grace_s has the wrong type"},
      {Json::array(), "config.drain must be an object"},
  };
  for (const auto& [drain, named] : bad) {
    Json k = base();
    k["drain"] = drain;
    auto r = parse_config(k.dump());
    ASSERT_FALSE(r) << drain.dump();
    EXPECT_NE(r.error().find(named), std::string::npos) << r.error();
  }
}

TEST(DrainConfig, TheEnvironmentSetsTheGraceAndIsCheckedToo) {
  test::TempDir dir;
  auto path = dir.path() + "/gangway.json";
  std::ofstream(path) << base().dump();
  setenv("GANGWAY_DRAIN_GRACE_S", "40", 1);
  auto c = load_config(path);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->drain.grace.count(), 40);
  setenv("GANGWAY_DRAIN_GRACE_S", "8", 1);  // 5 + 5 of the defaults do not fit
  auto r = load_config(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("GANGWAY_DRAIN_GRACE_S"), std::string::npos) << r.error();
  unsetenv("GANGWAY_DRAIN_GRACE_S");
}

class AdminBearer : public ::testing::Test {
 protected:
  void SetUp() override { setenv("GANGWAY_TEST_ADMIN_TOKEN", kBearer, 1); }
  void TearDown() override { unsetenv("GANGWAY_TEST_ADMIN_TOKEN"); }
  Result<Config, std::string> with(const Json& admin_keys) {
    Json j = base();
    j["admin"].update(admin_keys);
    return parse_config(j.dump());
  }
  test::TempDir dir_;
};

TEST_F(AdminBearer, NoneByDefault) {
  auto c = with(Json::object());
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->admin_bearer_token.empty());
}

TEST_F(AdminBearer, FromTheEnvironmentOrAFile) {
  auto c = with({{"bearer_token_env", "GANGWAY_TEST_ADMIN_TOKEN"}});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->admin_bearer_token, kBearer);
  auto path = dir_.path() + "/admin-token";
  std::ofstream(path) << kBearer << "\n";
  c = with({{"bearer_token_file", path}});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->admin_bearer_token, kBearer) << "the file's trailing newline is dropped";
}

TEST_F(AdminBearer, RefusalsNameTheKeyAndNeverQuoteTheSecret) {
  auto short_path = dir_.path() + "/short";
  std::ofstream(short_path) << "short";
  const std::pair<Json, std::string> bad[] = {
      {{{"bearer_token", kBearer}}, "bearer_token_env or bearer_token_file"},
      {{{"bearer_token_env", "GANGWAY_TEST_ADMIN_UNSET"}}, "bearer_token_env"},
      {{{"bearer_token_file", dir_.path() + "/missing"}}, "bearer_token_file"},
      {{{"bearer_token_file", short_path}}, "at least 16 bytes"},
      {{{"bearer_token_env", "GANGWAY_TEST_ADMIN_TOKEN"}, {"bearer_token_file", short_path}}, "set only one"},
  };
  for (const auto& [keys, named] : bad) {
    auto r = with(keys);
    ASSERT_FALSE(r) << keys.dump();
    EXPECT_NE(r.error().find(named), std::string::npos) << r.error();
    EXPECT_EQ(r.error().find(kBearer), std::string::npos) << r.error();
  }
}

}  // namespace
}  // namespace gangway
