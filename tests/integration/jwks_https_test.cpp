// A key set fetched over https: verified against jwt.jwks_ca_file, and a
// provider whose certificate does not verify is never trusted (fail-closed).
#include <gtest/gtest.h>

#include "tests/integration/stack.hpp"
#include "tests/support/https_server.hpp"
#include "tests/support/token_factory.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;

std::string signed_token(const std::string& user) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  json claims = {{"sub", user}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", now.count() + 600}};
  return mint_openssl("RS256", test_keys().rsa.private_pem, claims, "k1");
}

json https_jwks_config(const NatsServer& nats, const HttpsServer& idp, const std::string& ca_file) {
  json config = tribe_config(nats.url(), free_port());
  config["apps"][0]["jwt"] = {{"jwks_url", idp.url() + "/jwks.json"},
                              {"jwks_ca_file", ca_file},
                              {"issuer", "gangway-demo"},
                              {"audience", "gangway"}};
  return config;
}

class JwksHttps : public ::testing::Test {
 protected:
  TestCa ca_;
  HttpsServer idp_{ca_.issue("idp"), [](const httplib::Request&, httplib::Response& res) {
                     res.set_content(json{{"keys", {public_jwk(test_keys().rsa, "k1")}}}.dump(), "application/json");
                   }};
  NatsServer nats_;
};

TEST_F(JwksHttps, TheProvidersCaVerifiesItsKeySet) {
  GatewayProcess gw(https_jwks_config(nats_, idp_, ca_.ca_file()));
  WsClient c(gw.port(), "/api/v1/ws?token=" + signed_token("u-1"));
  EXPECT_EQ(c.handshake().http_status, 101) << gw.log();
  EXPECT_GE(idp_.requests(), 1);
}

TEST_F(JwksHttps, AnotherCaMeansNoKeysAndNoTokens) {
  TestCa other("Another CA");
  GatewayProcess gw(https_jwks_config(nats_, idp_, other.ca_file()));
  WsClient c(gw.port(), "/api/v1/ws?token=" + signed_token("u-1"));
  EXPECT_EQ(c.handshake().http_status, 401);
  EXPECT_EQ(idp_.requests(), 0);
  EXPECT_NE(gw.log().find("jwks not refreshed"), std::string::npos) << gw.log();
}

}  // namespace
}  // namespace gangway::test
