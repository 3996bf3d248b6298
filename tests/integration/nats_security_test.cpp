// The real gateway binary against nats-servers that require authentication
// or TLS, each started by the test: it joins with every method (both of its
// connections: /readyz, and an event reaches a socket), refuses to start
// with credentials the server refuses (exit 1, the problem named, no secret
// in its output), waits for a server that is down, says why in /readyz, and
// recovers after the server restarts.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "gateway/bus/nats_bus.hpp"
#include "tests/bus/bus_test_util.hpp"
#include "tests/integration/stack.hpp"
#include "tests/support/nkeys.hpp"
#include "tests/support/test_ca.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using bus::test::eventually;

constexpr const char* kPassword = "it-pw-3f9a-never-shown";
constexpr const char* kToken = "it-tok-77c1-never-shown";

NatsServer secured(std::string config, std::vector<std::string> args = {}) {
  return NatsServer(NatsServer::Options{NatsServer::JetStream::off, std::move(config), std::move(args)});
}

json gateway_config(const std::string& nats_url, const json& security) {
  json c = tribe_config(nats_url, free_port());  // no callout is made here
  for (const auto& [key, value] : security.items()) c["nats"][key] = value;
  return c;
}

std::string file_in(const TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir.path() + "/" + name) << text;
  return dir.path() + "/" + name;
}

std::string readyz(const GatewayProcess& gw) {
  auto [status, body] = http_get(gw.admin_port(), "/readyz");
  return std::to_string(status) + " " + body;
}

// Both connections are up, and an event published on NATS (by a client with
// the same credentials) reaches a socket through the gateway.
void expect_serves(GatewayProcess& gw, const bus::NatsOptions& publisher) {
  ASSERT_TRUE(eventually([&] { return readyz(gw) == "200 ready\n"; })) << readyz(gw) << gw.log();
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  auto token = mint_token({{"sub", "u-sec"}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", now.count() + 600}});
  auto socket = tribe_connect(gw.port(), token);
  std::string error;
  auto nats = bus::NatsBus::create(publisher, &error);
  ASSERT_TRUE(nats) << error;
  std::optional<std::string> got;
  // The socket joins its user room on its loop, just after the greeting. A
  // frame the tribe contract knows (tests/contracts checks what sockets get).
  for (int i = 0; i < 20 && !got; ++i) {
    ASSERT_EQ(nats->publish("gw.out.tribe.user.u-sec", R"({"frame":{"event":"pong"}})"), bus::BusError::ok);
    got = socket->next(500ms);
  }
  EXPECT_EQ(got, R"({"event":"pong"})") << "the socket never pings: this pong came over NATS";
}

struct Exit {
  std::optional<int> status;
  std::string output;
};

// Runs a gateway that is expected to refuse to start.
Exit run_to_exit(const json& config) {
  TempDir dir;
  auto path = file_in(dir, "gangway.json", config.dump(2));
  ChildProcess gw({GANGWAY_BIN, "--config", path}, dir.path() + "/gangway.log");
  Exit e;
  e.status = gw.wait(60s);
  std::ifstream in(dir.path() + "/gangway.log");
  std::stringstream ss;
  ss << in.rdbuf();
  e.output = ss.str();
  return e;
}

void expect_refuses_to_start(const json& config, const std::string& problem, std::vector<std::string> secrets) {
  auto e = run_to_exit(config);
  ASSERT_TRUE(e.status) << "still running:\n" << e.output;
  EXPECT_TRUE(WIFEXITED(*e.status) && WEXITSTATUS(*e.status) == 1) << e.output;
  EXPECT_NE(e.output.find(problem), std::string::npos) << e.output;
  for (const auto& s : secrets) EXPECT_EQ(e.output.find(s), std::string::npos) << "secret in:\n" << e.output;
}

bus::NatsOptions publisher(const std::string& url) {
  bus::NatsOptions o;
  o.url = url;
  o.name = "security-publisher";
  return o;
}

// The gateway's user has exactly the permissions docs/nats.md lists; the
// backend (the publisher here) is another user.
std::string permissioned_users() {
  return std::string("authorization {\n  users = [\n") + "    { user: gw, password: \"" + kPassword +
         "\", permissions: {\n"
         "        publish: [\"gw.in.>\", \"gw.rate.>\", \"gw.ctl.>\", \"$KV.gw-presence.>\", \"$JS.API.>\", \"_INBOX.>\"]\n"
         "        subscribe: [\"gw.out.>\", \"gw.rate.>\", \"gw.ctl.>\", \"$KV.gw-presence.>\", \"_INBOX.>\"] } }\n"
         "    { user: backend, password: backend-pw }\n  ]\n}\n";
}

TEST(GatewayNatsSecurity, UserAndPasswordFromTheEnvironment) {
  auto nats = secured(permissioned_users());
  setenv("GANGWAY_IT_NATS_PASSWORD", kPassword, 1);
  GatewayProcess gw(gateway_config(nats.url(), {{"user", "gw"}, {"password_env", "GANGWAY_IT_NATS_PASSWORD"}}));
  auto p = publisher(nats.url());
  p.auth.method = bus::NatsAuth::Method::user_password;
  p.auth.user = "backend";
  p.auth.password = "backend-pw";
  expect_serves(gw, p);
  EXPECT_EQ(gw.log().find(kPassword), std::string::npos);
  EXPECT_EQ(nats.log().find("Violation"), std::string::npos) << "the documented permissions suffice:\n" << nats.log();

  setenv("GANGWAY_IT_NATS_PASSWORD", "wrong-password", 1);
  expect_refuses_to_start(
      gateway_config(nats.url(), {{"user", "gw"}, {"password_env", "GANGWAY_IT_NATS_PASSWORD"}}),
      "\"error\":\"nats: NATS at " + nats.url() + " refused the gateway's user/password credentials: Authorization Violation",
      {"wrong-password", kPassword});
  unsetenv("GANGWAY_IT_NATS_PASSWORD");
}

TEST(GatewayNatsSecurity, TokenFromAFile) {
  auto nats = secured("", {"--auth", kToken});
  TempDir dir;
  GatewayProcess gw(gateway_config(nats.url(), {{"token_file", file_in(dir, "token", std::string(kToken) + "\n")}}));
  auto p = publisher(nats.url());
  p.auth.method = bus::NatsAuth::Method::token;
  p.auth.token = kToken;
  expect_serves(gw, p);
  expect_refuses_to_start(gateway_config(nats.url(), {{"token", "wrong-token"}}),
                          "refused the gateway's token credentials", {"wrong-token", kToken});
}

TEST(GatewayNatsSecurity, NKeySeedFile) {
  auto user = NKey::generate(NKey::Kind::user);
  auto nats = secured("authorization {\n  users = [ { nkey: \"" + user.public_key + "\" } ]\n}\n");
  TempDir dir;
  GatewayProcess gw(gateway_config(
      nats.url(), {{"nkey", user.public_key}, {"nkey_seed_file", file_in(dir, "gw.nk", user.seed + "\n")}}));
  auto p = publisher(nats.url());
  p.auth.method = bus::NatsAuth::Method::nkey;
  p.auth.nkey = user.public_key;
  p.auth.nkey_seed = user.seed;
  expect_serves(gw, p);

  auto stranger = NKey::generate(NKey::Kind::user);
  setenv("GANGWAY_IT_NKEY_SEED", stranger.seed.c_str(), 1);
  expect_refuses_to_start(
      gateway_config(nats.url(), {{"nkey", stranger.public_key}, {"nkey_seed_env", "GANGWAY_IT_NKEY_SEED"}}),
      "refused the gateway's NKey credentials", {stranger.seed, user.seed});
  unsetenv("GANGWAY_IT_NKEY_SEED");
}

TEST(GatewayNatsSecurity, CredentialsFile) {
  auto op = NatsOperator::create();
  auto nats = secured(op.server_config(), {"-D"});  // -D: the server logs why it refuses a JWT
  TempDir dir;
  GatewayProcess gw(gateway_config(nats.url(), {{"credentials_file", file_in(dir, "gw.creds", op.creds())}}));
  if (::testing::Test::HasFailure()) ADD_FAILURE() << "nats-server:\n" << nats.log() << "\ncreds:\n" << op.creds();
  auto p = publisher(nats.url());
  p.auth.method = bus::NatsAuth::Method::credentials;
  p.auth.credentials = op.creds();
  expect_serves(gw, p);
  expect_refuses_to_start(
      gateway_config(nats.url(), {{"credentials_file", file_in(dir, "foreign.creds", op.foreign_creds())}}),
      "refused the gateway's credentials (JWT + NKey) credentials", {op.user.seed});
}

TEST(GatewayNatsSecurity, TlsWithAClientCertificate) {
  TestCa ca;
  auto cert = ca.issue("nats");
  auto nats = secured("", {"--tls", "--tlscert", cert.cert_file, "--tlskey", cert.key_file, "--tlsverify",
                           "--tlscacert", ca.ca_file()});
  auto client = ca.issue("gangway");
  json tls = {{"ca_file", ca.ca_file()}, {"cert_file", client.cert_file}, {"key_file", client.key_file},
              {"server_name", "localhost"}};
  GatewayProcess gw(gateway_config(nats.url(), {{"tls", tls}}));
  auto p = publisher(nats.url());
  p.tls = {true, ca.ca_file(), client.cert_file, client.key_file, "localhost"};
  expect_serves(gw, p);

  TestCa other("Another CA");
  json wrong_ca = tls;
  wrong_ca["ca_file"] = other.ca_file();
  expect_refuses_to_start(gateway_config(nats.url(), {{"tls", wrong_ca}}), "TLS with NATS at " + nats.url() + " failed",
                          {});
  json wrong_name = tls;
  wrong_name["server_name"] = "nats.elsewhere.example";
  expect_refuses_to_start(gateway_config(nats.url(), {{"tls", wrong_name}}),
                          "TLS with NATS at " + nats.url() + " failed", {});
  // The server closes the connection after the handshake (TLS 1.3).
  expect_refuses_to_start(gateway_config(nats.url(), {{"tls", {{"ca_file", ca.ca_file()}}}}),
                          "does it require a client certificate that nats.tls.cert_file does not give?", {});
}

TEST(GatewayNatsSecurity, WaitsForADownServerSaysWhyAndRecoversAfterARestart) {
  auto nats = secured("", {"--auth", kToken});
  nats.process().stop();
  GatewayProcess gw(gateway_config(nats.url(), {{"token", kToken}}));
  EXPECT_EQ(readyz(gw), "503 not ready: NATS: cannot connect to " + nats.url() + ", retrying\n");
  nats.restart();
  ASSERT_TRUE(eventually([&] { return readyz(gw) == "200 ready\n"; })) << readyz(gw);

  nats.process().stop();
  ASSERT_TRUE(eventually([&] { return readyz(gw).rfind("503 ", 0) == 0; })) << readyz(gw);
  EXPECT_NE(readyz(gw).find("retrying"), std::string::npos) << readyz(gw);
  nats.restart();
  auto p = publisher(nats.url());
  p.auth.method = bus::NatsAuth::Method::token;
  p.auth.token = kToken;
  expect_serves(gw, p);
  EXPECT_EQ(gw.log().find(kToken), std::string::npos);
}

// A server that was down at startup and then refuses the credentials: the
// gateway runs on (it could not know at startup) and /readyz names the reason.
TEST(GatewayNatsSecurity, ReadyzNamesAnAuthorizationViolation) {
  auto nats = secured("", {"--auth", kToken});
  nats.process().stop();
  GatewayProcess gw(gateway_config(nats.url(), {{"token", "wrong-token"}}));
  nats.restart();
  ASSERT_TRUE(eventually([&] { return readyz(gw).find("authorization violation") != std::string::npos; }))
      << readyz(gw);
  EXPECT_EQ(readyz(gw).rfind("503 not ready: NATS: authorization violation", 0), 0u) << readyz(gw);
  EXPECT_EQ(readyz(gw).find("wrong-token"), std::string::npos);
  EXPECT_EQ(http_get(gw.admin_port(), "/metrics").second.find("wrong-token"), std::string::npos);
}

}  // namespace
}  // namespace gangway::test
