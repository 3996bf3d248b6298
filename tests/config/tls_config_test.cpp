// apps[].tls and admin.tls: files that must be readable, keys that must be
// known (a misspelt client_ca_file must not leave the admin port open to any
// client), client certificates for the admin port only. What the files hold
// is checked with OpenSSL (tests/tls).
#include <gtest/gtest.h>

#include <fstream>

#include "gateway/config/config.hpp"
#include "tests/support/process.hpp"

namespace gangway {
namespace {

class TlsConfigTest : public ::testing::Test {
 protected:
  Json config(const Json& app_tls, const Json& admin_tls = nullptr) {
    Json j = Json::parse(R"({
      "apps": [{"name": "tribe", "dialect": "tribe", "listen": "127.0.0.1:8443", "routes": ["/ws"],
                "jwt": {"keys": [{"alg": "HS256", "secret": "0123456789abcdef0123456789abcdef"}]}}],
      "admin": {"listen": "127.0.0.1:9100"}
    })");
    if (!app_tls.is_null()) j["apps"][0]["tls"] = app_tls;
    if (!admin_tls.is_null()) j["admin"]["tls"] = admin_tls;
    return j;
  }
  std::string file(const std::string& name) {
    auto path = dir_.path() + "/" + name;
    std::ofstream(path) << "-----BEGIN CERTIFICATE-----\n";
    return path;
  }
  test::TempDir dir_;
  std::string cert_ = file("cert.pem"), key_ = file("key.pem"), ca_ = file("ca.pem");
};

TEST_F(TlsConfigTest, ParsesAnAppsAndTheAdminPortsTls) {
  auto c = parse_config(config({{"cert_file", cert_}, {"key_file", key_}},
                               {{"cert_file", cert_}, {"key_file", key_}, {"client_ca_file", ca_}, {"min_version", "1.3"}})
                            .dump());
  ASSERT_TRUE(c) << c.error();
  ASSERT_TRUE(c->apps[0].tls);
  EXPECT_EQ(c->apps[0].tls->cert_file, cert_);
  EXPECT_EQ(c->apps[0].tls->key_file, key_);
  EXPECT_EQ(c->apps[0].tls->client_ca_file, "");
  EXPECT_FALSE(c->apps[0].tls->tls13_only);
  ASSERT_TRUE(c->admin_tls);
  EXPECT_EQ(c->admin_tls->client_ca_file, ca_);
  EXPECT_TRUE(c->admin_tls->tls13_only);
}

TEST_F(TlsConfigTest, WithoutTlsNothingIsSet) {
  auto c = parse_config(config(nullptr).dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->apps[0].tls);
  EXPECT_FALSE(c->admin_tls);
}

TEST_F(TlsConfigTest, NamesWhatIsWrong) {
  struct Case {
    Json app_tls, admin_tls;
    std::string expect;
  } cases[] = {
      {true, nullptr, "config.apps[0].tls must be an object with cert_file and key_file"},
      {{{"key_file", key_}}, nullptr, "config.apps[0].tls.cert_file is needed"},
      {{{"cert_file", cert_}}, nullptr, "config.apps[0].tls.key_file is needed"},
      {{{"cert_file", "/nonexistent.pem"}, {"key_file", key_}}, nullptr,
       "config.apps[0].tls.cert_file: cannot read /nonexistent.pem"},
      {{{"cert_file", cert_}, {"key_file", key_}, {"min_version", "1.1"}}, nullptr,
       "config.apps[0].tls.min_version must be \"1.2\" or \"1.3\""},
      {{{"cert_file", cert_}, {"key_file", key_}, {"client_ca_file", ca_}}, nullptr,
       "config.apps[0].tls.client_ca_file: client certificates are asked for on the admin port only"},
      {{{"cert_file", cert_}, {"key_file", key_}, {"ciphers", "ALL"}}, nullptr,
       "config.apps[0].tls.ciphers: unknown key"},
      {nullptr, {{"cert_file", cert_}, {"key_file", key_}, {"client_ca", ca_}},
       "config.admin.tls.client_ca: unknown key; did you mean client_ca_file?"},
      {nullptr, {{"cert_file", cert_}, {"key_file", key_}, {"client_ca_file", "/nonexistent-ca.pem"}},
       "config.admin.tls.client_ca_file: cannot read /nonexistent-ca.pem"},
  };
  for (const auto& c : cases) {
    auto r = parse_config(config(c.app_tls, c.admin_tls).dump());
    ASSERT_FALSE(r) << c.expect;
    EXPECT_EQ(r.error(), c.expect);
  }
}

}  // namespace
}  // namespace gangway
