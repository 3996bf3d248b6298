// config.nats security keys and the https CA keys: every key, every way to get
// a secret, and every refusal, with the key named and no secret quoted.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "gateway/config/config.hpp"
#include "tests/support/process.hpp"

namespace gangway {
namespace {

using Method = bus::NatsAuth::Method;

constexpr const char* kSecretValue = "s3cret-value-never-quoted";

Json with_nats(const Json& nats) {
  Json j = Json::parse(R"({
    "gateway_id": "gw-1",
    "apps": [{"name": "tribe", "dialect": "tribe", "listen": "127.0.0.1:8000", "routes": ["/api/v1/ws"],
              "jwt": {"keys": [{"alg": "HS256", "secret": "nats-config-test-secret-0123456789"}]},
              "backend": {"url": "https://backend.internal:8443"}}]
  })");
  j["nats"] = nats;
  return j;
}

// A parse that must fail: its error names `key` and quotes no secret.
void expect_refused(const Json& nats, const std::string& key) {
  auto r = parse_config(with_nats(nats).dump());
  ASSERT_FALSE(r) << nats.dump();
  EXPECT_NE(r.error().find(key), std::string::npos) << r.error();
  EXPECT_EQ(r.error().find(kSecretValue), std::string::npos) << r.error();
}

class NatsConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("GANGWAY_TEST_NATS_SECRET", kSecretValue, 1);
    unsetenv("GANGWAY_TEST_NATS_UNSET");
  }
  void TearDown() override { unsetenv("GANGWAY_TEST_NATS_SECRET"); }

  std::string file(const std::string& name, const std::string& contents) {
    auto path = dir_.path() + "/" + name;
    std::ofstream(path) << contents;
    return path;
  }
  std::string missing() const { return dir_.path() + "/no-such-file"; }

  Config parsed(const Json& nats) {
    auto r = parse_config(with_nats(nats).dump());
    EXPECT_TRUE(r) << r.error();
    return r ? *r : Config{};
  }

  test::TempDir dir_;
};

TEST_F(NatsConfig, NoAuthenticationAndNoTlsByDefault) {
  auto c = parsed(Json::object());
  EXPECT_EQ(c.nats.auth.method, Method::none);
  EXPECT_FALSE(c.nats.tls.enabled);
}

TEST_F(NatsConfig, UserAndPasswordFromTheFileTheEnvironmentOrAFile) {
  auto inline_pw = parsed({{"user", "gw"}, {"password", "pw"}});
  EXPECT_EQ(inline_pw.nats.auth.method, Method::user_password);
  EXPECT_EQ(inline_pw.nats.auth.user, "gw");
  EXPECT_EQ(inline_pw.nats.auth.password, "pw");
  EXPECT_EQ(parsed({{"user", "gw"}, {"password_env", "GANGWAY_TEST_NATS_SECRET"}}).nats.auth.password, kSecretValue);
  // A Kubernetes secret file usually ends with a newline; it is not part of the password.
  auto f = file("pw", std::string("  ") + kSecretValue + "\n");
  EXPECT_EQ(parsed({{"user", "gw"}, {"password_file", f}}).nats.auth.password, kSecretValue);
}

TEST_F(NatsConfig, UserAndPasswordRefusals) {
  expect_refused({{"user", "gw"}}, "password_env");
  expect_refused({{"password", kSecretValue}}, "needs user");
  expect_refused({{"user", "gw"}, {"password", kSecretValue}, {"password_env", "GANGWAY_TEST_NATS_SECRET"}},
                 "set only one of password, password_env, password_file");
  expect_refused({{"user", "gw"}, {"password_env", "GANGWAY_TEST_NATS_UNSET"}},
                 "config.nats.password_env: environment variable GANGWAY_TEST_NATS_UNSET is not set");
  expect_refused({{"user", "gw"}, {"password_file", missing()}}, "config.nats.password_file: cannot read");
  expect_refused({{"user", "gw"}, {"password_file", file("empty", "\n")}}, "config.nats.password_file");
  expect_refused({{"user", "gw"}, {"password", ""}}, "config.nats.password is empty");
  expect_refused({{"user", 7}, {"password", kSecretValue}}, "config.nats.user has the wrong type");
}

TEST_F(NatsConfig, TokenFromTheFileTheEnvironmentOrAFile) {
  auto t = parsed({{"token", "tok"}});
  EXPECT_EQ(t.nats.auth.method, Method::token);
  EXPECT_EQ(t.nats.auth.token, "tok");
  EXPECT_EQ(parsed({{"token_env", "GANGWAY_TEST_NATS_SECRET"}}).nats.auth.token, kSecretValue);
  EXPECT_EQ(parsed({{"token_file", file("tok", kSecretValue)}}).nats.auth.token, kSecretValue);
  expect_refused({{"token", kSecretValue}, {"token_file", file("tok2", "x")}}, "set only one of token, token_env");
  expect_refused({{"token_env", "GANGWAY_TEST_NATS_UNSET"}}, "GANGWAY_TEST_NATS_UNSET is not set");
  expect_refused({{"token_file", missing()}}, "config.nats.token_file: cannot read");
}

TEST_F(NatsConfig, NKeyWithASeedFileOrASeedFromTheEnvironment) {
  auto seed_file = file("user.nk", "SUEXAMPLE\n");
  auto f = parsed({{"nkey", "UPUBLIC"}, {"nkey_seed_file", seed_file}});
  EXPECT_EQ(f.nats.auth.method, Method::nkey);
  EXPECT_EQ(f.nats.auth.nkey, "UPUBLIC");
  EXPECT_EQ(f.nats.auth.nkey_seed_file, seed_file);
  EXPECT_TRUE(f.nats.auth.nkey_seed.empty()) << "a seed file is left to nats.c";
  auto e = parsed({{"nkey", "UPUBLIC"}, {"nkey_seed_env", "GANGWAY_TEST_NATS_SECRET"}});
  EXPECT_EQ(e.nats.auth.nkey_seed, kSecretValue);
  expect_refused({{"nkey", "UPUBLIC"}}, "config.nats.nkey needs nkey_seed_file or nkey_seed_env");
  expect_refused({{"nkey_seed_env", "GANGWAY_TEST_NATS_SECRET"}}, "config.nats.nkey (the user's public key");
  expect_refused({{"nkey", "UPUBLIC"}, {"nkey_seed_file", seed_file}, {"nkey_seed_env", "GANGWAY_TEST_NATS_SECRET"}},
                 "set only one of nkey_seed_file, nkey_seed_env");
  expect_refused({{"nkey", "UPUBLIC"}, {"nkey_seed_file", missing()}}, "config.nats.nkey_seed_file: cannot read");
  expect_refused({{"nkey", "UPUBLIC"}, {"nkey_seed_file", ""}}, "config.nats.nkey_seed_file is empty");
  expect_refused({{"nkey", "UPUBLIC"}, {"nkey_seed_env", "GANGWAY_TEST_NATS_UNSET"}}, "is not set");
}

TEST_F(NatsConfig, CredentialsFromAFileOrTheEnvironment) {
  auto creds = file("gw.creds", "-----BEGIN NATS USER JWT-----\n…");
  auto f = parsed({{"credentials_file", creds}});
  EXPECT_EQ(f.nats.auth.method, Method::credentials);
  EXPECT_EQ(f.nats.auth.credentials_file, creds);
  EXPECT_TRUE(f.nats.auth.credentials.empty()) << "a credentials file is left to nats.c";
  EXPECT_EQ(parsed({{"credentials_env", "GANGWAY_TEST_NATS_SECRET"}}).nats.auth.credentials, kSecretValue);
  expect_refused({{"credentials_file", creds}, {"credentials_env", "GANGWAY_TEST_NATS_SECRET"}},
                 "set only one of credentials_file, credentials_env");
  expect_refused({{"credentials_file", missing()}}, "config.nats.credentials_file: cannot read");
  expect_refused({{"credentials_env", "GANGWAY_TEST_NATS_UNSET"}}, "GANGWAY_TEST_NATS_UNSET is not set");
}

TEST_F(NatsConfig, OneAuthenticationMethodAtMost) {
  expect_refused({{"user", "gw"}, {"password", kSecretValue}, {"token", kSecretValue}}, "choose one authentication");
  expect_refused({{"token", kSecretValue}, {"credentials_env", "GANGWAY_TEST_NATS_SECRET"}},
                 "choose one authentication");
  expect_refused({{"nkey", "U"}, {"nkey_seed_env", "GANGWAY_TEST_NATS_SECRET"}, {"user", "gw"}},
                 "choose one authentication");
}

TEST_F(NatsConfig, TlsTakesTrueOrSettings) {
  EXPECT_TRUE(parsed({{"tls", true}}).nats.tls.enabled);
  EXPECT_FALSE(parsed({{"tls", false}}).nats.tls.enabled);
  auto ca = file("ca.pem", "pem"), cert = file("client.pem", "pem"), key = file("client.key", "pem");
  auto t = parsed({{"tls", {{"ca_file", ca}, {"cert_file", cert}, {"key_file", key}, {"server_name", "nats.internal"}}}});
  EXPECT_TRUE(t.nats.tls.enabled) << "settings without `enabled` mean on";
  EXPECT_EQ(t.nats.tls.ca_file, ca);
  EXPECT_EQ(t.nats.tls.cert_file, cert);
  EXPECT_EQ(t.nats.tls.key_file, key);
  EXPECT_EQ(t.nats.tls.server_name, "nats.internal");
  EXPECT_FALSE(parsed({{"tls", {{"enabled", false}}}}).nats.tls.enabled);
}

TEST_F(NatsConfig, TlsRefusals) {
  auto cert = file("client.pem", "pem");
  expect_refused({{"tls", "yes"}}, "config.nats.tls must be true, false or an object");
  expect_refused({{"tls", {{"ca_file", missing()}}}}, "config.nats.tls.ca_file: cannot read");
  expect_refused({{"tls", {{"cert_file", cert}}}}, "cert_file and key_file go together");
  expect_refused({{"tls", {{"cert_file", cert}, {"key_file", missing()}}}}, "config.nats.tls.key_file: cannot read");
  expect_refused({{"tls", {{"server_name", 5}}}}, "config.nats.tls.server_name has the wrong type");
}

TEST_F(NatsConfig, CaFilesForHttpsBackendsAndKeySets) {
  auto ca = file("ca.pem", "pem");
  Json j = with_nats(Json::object());
  j["apps"][0]["backend"]["ca_file"] = ca;
  j["apps"][0]["jwt"] = {{"jwks_url", "https://idp.internal/jwks.json"}, {"jwks_ca_file", ca}};
  auto c = parse_config(j.dump());
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->apps[0].backend_ca_file, ca);
  EXPECT_EQ(c->apps[0].jwt.jwks_ca_file, ca);
  EXPECT_TRUE(parse_config(with_nats(Json::object()).dump())->apps[0].backend_ca_file.empty())
      << "no ca_file: the system trust store";

  struct Case {
    const char* pointer;
    Json value;
    std::string expect;
  };
  const Case cases[] = {
      {"/apps/0/backend/ca_file", missing(), "config.apps[0].backend.ca_file: cannot read"},
      {"/apps/0/backend/url", "http://backend.internal", "config.apps[0].backend.ca_file needs an https:// url"},
      {"/apps/0/jwt/jwks_ca_file", missing(), "config.apps[0].jwt.jwks_ca_file: cannot read"},
      {"/apps/0/jwt/jwks_url", "http://idp.internal/jwks.json", "jwks_ca_file needs an https:// jwks_url"},
  };
  for (const auto& k : cases) {
    Json bad = j;
    bad[Json::json_pointer(k.pointer)] = k.value;
    auto r = parse_config(bad.dump());
    ASSERT_FALSE(r) << k.pointer;
    EXPECT_NE(r.error().find(k.expect), std::string::npos) << r.error();
  }
}

}  // namespace
}  // namespace gangway
