// Tokens verified against an identity provider's JSON Web Key Set: fetched at
// start, refetched when a token names a rotated-in key, fail-closed while the
// provider is unreachable.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "tests/integration/stack.hpp"
#include "tests/support/token_factory.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Serves /jwks.json with whatever the test last set; 503 while it is empty.
class IdentityProvider {
 public:
  IdentityProvider() {
    server_.Get("/jwks.json", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(mu_);
      if (keys_.empty()) {
        res.status = 503;
        return;
      }
      res.set_content(json{{"keys", keys_}}.dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~IdentityProvider() {
    server_.stop();
    thread_.join();
  }
  void publish(std::vector<json> keys) {
    std::lock_guard lock(mu_);
    keys_ = std::move(keys);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/jwks.json"; }

 private:
  httplib::Server server_;
  std::mutex mu_;
  std::vector<json> keys_;
  int port_ = 0;
  std::thread thread_;
};

json claims(const std::string& user) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  return {{"sub", user}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", now.count() + 600}};
}

int upgrade_status(int port, const std::string& token) {
  WsClient c(port, "/api/v1/ws?token=" + token);
  return c.handshake().http_status;
}

// Retries the upgrade until it is accepted: the refetch is asynchronous.
bool accepted_within(int port, const std::string& token, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (upgrade_status(port, token) == 101) return true;
    std::this_thread::sleep_for(200ms);
  }
  return false;
}

json jwks_app_config(const NatsServer& nats, const DemoBackend& backend, const IdentityProvider& idp) {
  json config = tribe_config(nats.url(), backend.port());
  config["apps"][0]["jwt"] = {
      {"jwks_url", idp.url()}, {"jwks_refresh_s", 1}, {"issuer", "gangway-demo"}, {"audience", "gangway"}};
  return config;
}

TEST(JwksGateway, ARotatedKeyIsFetchedWhenATokenNamesIt) {
  const TestKeys& k = test_keys();
  IdentityProvider idp;
  idp.publish({public_jwk(k.rsa, "k1")});
  NatsServer nats;
  DemoBackend backend(nats.url());
  GatewayProcess gw(jwks_app_config(nats, backend, idp));

  std::string first = mint_openssl("RS256", k.rsa.private_pem, claims("u-1"), "k1");
  auto c = tribe_connect(gw.port(), first);
  std::string rotated = mint_openssl("ES256", k.ec.private_pem, claims("u-1"), "k2");
  EXPECT_EQ(upgrade_status(gw.port(), rotated), 401) << "k2 is not published yet";
  // A token signed by another key under the published kid stays refused.
  EXPECT_EQ(upgrade_status(gw.port(), mint_openssl("RS256", k.rsa2.private_pem, claims("u-1"), "k1")), 401);

  idp.publish({public_jwk(k.ec, "k2")});
  EXPECT_TRUE(accepted_within(gw.port(), rotated, 10s)) << gw.log();
  EXPECT_EQ(upgrade_status(gw.port(), first), 401) << "k1 was withdrawn from the set";
}

TEST(JwksGateway, TokensAreRefusedUntilTheProviderAnswers) {
  const TestKeys& k = test_keys();
  IdentityProvider idp;  // answers 503 for now
  NatsServer nats;
  DemoBackend backend(nats.url());
  GatewayProcess gw(jwks_app_config(nats, backend, idp));
  std::string token = mint_openssl("RS256", k.rsa.private_pem, claims("u-2"), "k1");
  EXPECT_EQ(upgrade_status(gw.port(), token), 401);

  idp.publish({public_jwk(k.rsa, "k1")});
  EXPECT_TRUE(accepted_within(gw.port(), token, 15s)) << gw.log();
}

}  // namespace
}  // namespace gangway::test
