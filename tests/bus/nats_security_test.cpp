// NatsBus against nats-servers that require authentication or TLS, each
// started by the test: every nats.c authentication method the gateway
// offers, TLS with a CA made here, refusals that stop startup (naming the
// problem, never the secret) and outages that do not.
#include <gtest/gtest.h>

#include <fstream>

#include "gateway/bus/nats_bus.hpp"
#include "tests/bus/bus_test_util.hpp"
#include "tests/support/nkeys.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_ca.hpp"

namespace gangway::bus {
namespace {

using namespace std::chrono_literals;
using gangway::test::NatsOperator;
using gangway::test::NatsServer;
using gangway::test::NKey;
using gangway::test::TempDir;
using gangway::test::TestCa;
using Method = NatsAuth::Method;
using test::eventually;

constexpr const char* kPassword = "pw-5b1f0c-never-shown";
constexpr const char* kToken = "tok-9e22d7-never-shown";

NatsServer server(std::string config, std::vector<std::string> args = {}) {
  return NatsServer(NatsServer::Options{NatsServer::JetStream::off, std::move(config), std::move(args)});
}

NatsOptions options(const std::string& url) {
  NatsOptions o;
  o.url = url;
  o.name = "security-test";
  o.reconnect_wait = 100ms;
  return o;
}

NatsOptions with_password(const std::string& url, const std::string& password) {
  auto o = options(url);
  o.auth.method = Method::user_password;
  o.auth.user = "gw";
  o.auth.password = password;
  return o;
}

NatsOptions with_token(const std::string& url, const std::string& token) {
  auto o = options(url);
  o.auth.method = Method::token;
  o.auth.token = token;
  return o;
}

// A bus that connected at once, and can publish and receive.
void expect_works(const NatsOptions& o) {
  std::string error;
  auto bus = NatsBus::create(o, &error);
  ASSERT_TRUE(bus) << error;
  ASSERT_TRUE(bus->connected());
  EXPECT_EQ(bus->why_not_connected(), "");
  auto got = std::make_shared<test::Messages>();
  auto sub = bus->subscribe("sec.check", test::into(got));
  ASSERT_TRUE(sub);
  bus->flush(5s, [](BusError) {});
  ASSERT_EQ(bus->publish("sec.check", "hello"), BusError::ok);
  ASSERT_TRUE(got->wait_for(1));
}

// create() refuses; its error says `expect` and quotes none of `secrets`.
void expect_refused(const NatsOptions& o, const std::string& expect, std::vector<std::string> secrets = {}) {
  std::string error;
  auto bus = NatsBus::create(o, &error);
  EXPECT_FALSE(bus);
  EXPECT_NE(error.find(expect), std::string::npos) << error;
  for (const auto& s : secrets) EXPECT_EQ(error.find(s), std::string::npos) << "secret in: " << error;
}

TEST(NatsSecurity, UserAndPassword) {
  auto nats = server("", {"--user", "gw", "--pass", kPassword});
  expect_works(with_password(nats.url(), kPassword));
  expect_refused(with_password(nats.url(), "wrong-password"),
                 "NATS at " + nats.url() + " refused the gateway's user/password credentials: Authorization Violation",
                 {"wrong-password", kPassword});
  expect_refused(options(nats.url()), "Authorization Violation");
}

TEST(NatsSecurity, CredentialsInTheUrlAreMaskedInErrors) {
  auto nats = server("", {"--user", "gw", "--pass", kPassword});
  auto url = "nats://gw:wrong-in-url@127.0.0.1:" + std::to_string(nats.port());
  expect_refused(options(url), "NATS at nats://***@127.0.0.1:" + std::to_string(nats.port()) + " refused",
                 {"wrong-in-url"});
}

TEST(NatsSecurity, Token) {
  auto nats = server("", {"--auth", kToken});
  expect_works(with_token(nats.url(), kToken));
  expect_refused(with_token(nats.url(), "wrong-token"), "refused the gateway's token credentials",
                 {"wrong-token", kToken});
}

TEST(NatsSecurity, NKeyWithASeedFileOrASeedInMemory) {
  auto user = NKey::generate(NKey::Kind::user);
  auto nats = server("authorization {\n  users = [ { nkey: \"" + user.public_key + "\" } ]\n}\n", {"-D"});
  TempDir dir;
  auto seed_file = dir.path() + "/user.nk";
  std::ofstream(seed_file) << user.seed << "\n";

  auto o = options(nats.url());
  o.auth.method = Method::nkey;
  o.auth.nkey = user.public_key;
  o.auth.nkey_seed_file = seed_file;
  expect_works(o);
  if (HasFailure()) ADD_FAILURE() << "nats-server:\n" << nats.log() << "\nseed " << user.seed << " pub " << user.public_key;
  o.auth.nkey_seed_file.clear();
  o.auth.nkey_seed = user.seed;  // as nkey_seed_env gives it
  expect_works(o);

  auto stranger = NKey::generate(NKey::Kind::user);
  o.auth.nkey_seed = stranger.seed;  // signs, but not as the public key says
  expect_refused(o, "refused the gateway's NKey credentials", {stranger.seed, user.seed});
  o.auth.nkey = stranger.public_key;  // a key the server does not list
  expect_refused(o, "Authorization Violation", {stranger.seed});
}

TEST(NatsSecurity, MalformedKeyMaterialIsRefusedBeforeConnecting) {
  TempDir dir;
  auto file = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.path() + "/" + name) << text;
    return dir.path() + "/" + name;
  };
  auto user = NKey::generate(NKey::Kind::user);
  // No server: these must fail before any connection is tried.
  auto o = options("nats://127.0.0.1:1");
  o.auth.method = Method::nkey;
  o.auth.nkey = "not-a-key";
  o.auth.nkey_seed = user.seed;
  expect_refused(o, "nats.nkey is not a user NKey public key", {user.seed});
  o.auth.nkey = user.public_key;
  o.auth.nkey_seed = "SUshort";
  expect_refused(o, "nats.nkey_seed_env holds no user NKey seed", {"SUshort"});
  o.auth.nkey_seed_file = file("junk.nk", "no seed here\n");
  expect_refused(o, "nats.nkey_seed_file " + o.auth.nkey_seed_file + " holds no user NKey seed");

  auto c = options("nats://127.0.0.1:1");
  c.auth.method = Method::credentials;
  c.auth.credentials_file = file("junk.creds", "-----BEGIN NATS USER JWT-----\nnot-a-jwt\n");
  expect_refused(c, "nats.credentials_file " + c.auth.credentials_file + " is no credentials file: the user JWT");
  c.auth.credentials_file.clear();
  c.auth.credentials = "garbage " + user.seed;
  expect_refused(c, "nats.credentials_env is no credentials file", {user.seed});

  auto t = options("nats://a:1,nats://b:2");
  t.tls.enabled = true;
  expect_refused(t, "nats.tls.server_name is needed");
  t.tls.ca_file = dir.path() + "/missing.pem";
  expect_refused(t, "cannot read nats.tls.ca_file");
}

TEST(NatsSecurity, CredentialsFileOrContents) {
  auto op = NatsOperator::create();
  auto nats = server(op.server_config(), {"-D"});  // -D: the server logs why it refuses a JWT
  TempDir dir;
  auto creds_file = dir.path() + "/gw.creds";
  std::ofstream(creds_file) << op.creds();

  auto o = options(nats.url());
  o.auth.method = Method::credentials;
  o.auth.credentials_file = creds_file;
  expect_works(o);
  o.auth.credentials_file.clear();
  o.auth.credentials = op.creds();  // as credentials_env gives it
  expect_works(o);
  if (HasFailure()) ADD_FAILURE() << "nats-server:\n" << nats.log() << "\ncreds:\n" << op.creds();
  o.auth.credentials = op.foreign_creds();  // a user of an account the server does not trust
  expect_refused(o, "refused the gateway's credentials (JWT + NKey) credentials", {op.user.seed});
}

// A TLS listener with a certificate from `ca`; clients verified by `ca` when `verify_clients`.
NatsServer tls_server(const TestCa& ca, const TestCa::Issued& cert, bool verify_clients = false) {
  std::vector<std::string> args{"--tls", "--tlscert", cert.cert_file, "--tlskey", cert.key_file};
  if (verify_clients) args.insert(args.end(), {"--tlsverify", "--tlscacert", ca.ca_file()});
  return server("", args);
}

TEST(NatsSecurity, TlsWithTheServersCa) {
  TestCa ca;
  auto nats = tls_server(ca, ca.issue("nats"));
  auto o = options(nats.url());
  o.tls.enabled = true;
  o.tls.ca_file = ca.ca_file();
  expect_works(o);  // the certificate names 127.0.0.1, the URL's host
  o.tls.server_name = "localhost";
  expect_works(o);

  o.tls.server_name = "nats.elsewhere.example";
  expect_refused(o, "TLS with NATS at " + nats.url() + " failed");
  o.tls.server_name.clear();
  TestCa other("Some Other CA");
  o.tls.ca_file = other.ca_file();
  expect_refused(o, "TLS with NATS at " + nats.url() + " failed");
  o.tls.ca_file.clear();  // the system trust store does not know the test CA
  expect_refused(o, "unable to get local issuer certificate");
}

TEST(NatsSecurity, TlsNameIsCheckedEvenWhenOnlyTheServerAsksForTls) {
  TestCa ca;
  auto nats = tls_server(ca, ca.issue("nats", "DNS:nats.elsewhere.example"));
  auto o = options(nats.url());
  o.tls.ca_file = ca.ca_file();  // trusted, but TLS not required here
  expect_refused(o, "TLS with NATS at " + nats.url() + " failed");
  o.tls.server_name = "nats.elsewhere.example";
  expect_works(o);
}

TEST(NatsSecurity, TlsClientCertificate) {
  TestCa ca;
  auto nats = tls_server(ca, ca.issue("nats"), true);
  auto o = options(nats.url());
  o.tls.enabled = true;
  o.tls.ca_file = ca.ca_file();
  auto client = ca.issue("gangway");
  o.tls.cert_file = client.cert_file;
  o.tls.key_file = client.key_file;
  expect_works(o);
}

// Under TLS 1.3 the server checks the client's certificate after the
// client's side of the handshake is done, and then closes the connection.
TEST(NatsSecurity, ARefusedClientCertificateStopsStartupWithTheLikelyCause) {
  TestCa ca;
  auto nats = tls_server(ca, ca.issue("nats"), true);
  TestCa other("Another CA");
  auto stranger = other.issue("gangway");
  auto o = options(nats.url());
  o.tls = {true, ca.ca_file(), "", "", ""};
  expect_refused(o, "NATS at " + nats.url() + " closed the connection during the TLS handshake");
  o.tls = {true, ca.ca_file(), stranger.cert_file, stranger.key_file, ""};
  expect_refused(o, "does it require a client certificate that nats.tls.cert_file does not give?");
}

TEST(NatsSecurity, TlsRequiredButNotOffered) {
  auto nats = server("");
  auto o = options(nats.url());
  o.tls.enabled = true;
  expect_refused(o, "does not offer TLS");
}

// Not a refusal: a server that is down is waited for, and its reason shown.
TEST(NatsSecurity, ReasonsWhileNotConnected) {
  auto nats = server("", {"--auth", kToken});
  nats.process().stop();
  std::string error;
  auto bus = NatsBus::create(with_token(nats.url(), "wrong-token"), &error);
  ASSERT_TRUE(bus) << "an unreachable server is retried: " << error;
  EXPECT_FALSE(bus->connected());
  EXPECT_EQ(bus->why_not_connected(), "cannot connect to " + nats.url() + ", retrying");
  nats.restart();
  // The server is back but refuses the token: nats.c retries the same error
  // once, then gives up on the connection.
  std::string why;
  ASSERT_TRUE(eventually([&] {
    why = bus->why_not_connected();
    return why.find("gave up") != std::string::npos;
  }))
      << why;
  EXPECT_EQ(why, "authorization violation; gave up (restart the gateway)");
  EXPECT_EQ(why.find("wrong-token"), std::string::npos);
}

TEST(NatsSecurity, ReconnectsWithItsCredentialsAfterARestart) {
  TestCa ca;
  auto user = NKey::generate(NKey::Kind::user);
  auto cert = ca.issue("nats");
  auto nats = server("authorization {\n  users = [ { nkey: \"" + user.public_key + "\" } ]\n}\n",
                     {"--tls", "--tlscert", cert.cert_file, "--tlskey", cert.key_file});
  auto o = options(nats.url());
  o.auth.method = Method::nkey;
  o.auth.nkey = user.public_key;
  o.auth.nkey_seed = user.seed;
  o.tls.enabled = true;
  o.tls.ca_file = ca.ca_file();
  std::string error;
  auto bus = NatsBus::create(o, &error);
  ASSERT_TRUE(bus) << error;
  ASSERT_TRUE(bus->connected());
  nats.process().stop();
  ASSERT_TRUE(eventually([&] { return !bus->connected(); }));
  EXPECT_NE(bus->why_not_connected().find(", retrying"), std::string::npos) << bus->why_not_connected();
  nats.restart();
  ASSERT_TRUE(eventually([&] { return bus->connected(); })) << bus->why_not_connected();
  EXPECT_EQ(bus->why_not_connected(), "");
}

}  // namespace
}  // namespace gangway::bus
