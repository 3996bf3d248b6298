// Sockets that end before their client wants (issue 26), against the real
// gateway, nats-server and demo backend: a JWT's exp closes its socket with
// the dialect's close; a disconnect on the control subject, the demo
// backend's logout and the admin API close the matching sockets on every
// gateway of the cluster.
#include <gtest/gtest.h>
#include <httplib.h>

#include <ctime>
#include <set>
#include <thread>
#include <fstream>
#include <nlohmann/json.hpp>

#include "gateway/bus/nats_bus.hpp"
#include "tests/integration/circles_stack.hpp"
#include "tests/integration/stack.hpp"
#include "tests/integration/winkr_stack.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kAdminSecret = "admin-secret-for-the-tests-0123456789";

std::int64_t unix_now() { return std::time(nullptr); }

json claims(const std::string& sub, std::int64_t exp) {
  return {{"sub", sub}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", exp}};
}

int port_of(const json& app) {
  std::string listen = app["listen"];
  return std::stoi(listen.substr(listen.rfind(':') + 1));
}

// ---- Token lifetime -------------------------------------------------------------

// One gateway with a tribe, a circles and a winkr app, no leeway: a socket
// lives until its token's exp and not a second longer than the clock's tick.
TEST(TokenLifetime, ASocketClosesWhenItsTokenExpiresWithItsDialectsClose) {
  NatsServer nats;
  DemoBackend backend(nats.url());
  json config = tribe_config(nats.url(), backend.port(), "gw-expiry");
  config["apps"].push_back(circles_config(nats.url(), backend.port())["apps"][0]);
  config["apps"].push_back(winkr_config(nats.url(), backend.port())["apps"][0]);
  for (auto& app : config["apps"]) app["jwt"]["leeway_s"] = 0;
  GatewayProcess gw(config);
  ASSERT_TRUE(wait_for_port(port_of(config["apps"][1])) && wait_for_port(port_of(config["apps"][2])));

  // Three seconds: enough to be accepted on a loaded machine, short enough to wait for.
  const std::int64_t exp = unix_now() + 3;
  auto tribe = tribe_connect(gw.port(), mint_token(claims("u-alice", exp)));
  auto lasting = tribe_connect(gw.port(), mint_token(claims("u-bob", exp + 600)));
  auto circles = circles_connect(port_of(config["apps"][1]), "/ws/user/8", mint_token(claims("8", exp)));
  auto winkr = winkr_connect(port_of(config["apps"][2]), mint_token(claims("u-maya", exp)));

  EXPECT_EQ(tribe->wait_closed(15s), 1008) << gw.log();
  EXPECT_EQ(tribe->close_reason(), "Token expired");
  EXPECT_GE(unix_now(), exp) << "closed before its token's exp";
  EXPECT_EQ(circles->wait_closed(15s), 4401) << "circles' seed: 4401 Unauthorized";
  EXPECT_EQ(circles->close_reason(), "Token expired");
  // winkr says why in a connection:closed frame first.
  auto closed = next_event(*winkr, "connection:closed", 15s);
  EXPECT_EQ(closed["data"]["reason"], "token_expired") << closed;
  EXPECT_EQ(closed["data"]["code"], 1008);
  EXPECT_EQ(winkr->wait_closed(15s), 1008);

  // A socket whose token is still good stays.
  lasting->send(R"({"event":"ping"})");
  EXPECT_EQ(lasting->next(), R"({"event":"pong"})");
  auto [status, metrics] = http_get(gw.admin_port(), "/metrics");
  for (const char* app : {"tribe", "circles", "winkr"})
    EXPECT_NE(metrics.find("gangway_tokens_expired_total{app=\"" + std::string(app) + "\"} 1\n"), std::string::npos)
        << app << "\n" << metrics;
}

// ---- Revocation across a cluster --------------------------------------------

class Revocation : public ::testing::Test {
 protected:
  // As SuiteStack does: start-up failures are kept and fail each test (a
  // failed SetUpTestSuite alone would leave them skipped).
  static void SetUpTestSuite() {
    ::testing::TestPartResultArray failures;
    {
      ::testing::ScopedFakeTestPartResultReporter intercept(
          ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, &failures);
      nats_ = std::make_unique<NatsServer>();
      backend_ = std::make_unique<DemoBackend>(nats_->url());
      secret_dir_ = std::make_unique<TempDir>();
      std::ofstream(secret_dir_->path() + "/admin-secret") << kAdminSecret << "\n";
      for (const char* id : {"gw-one", "gw-two"}) {
        json config = tribe_config(nats_->url(), backend_->port(), id);
        config["admin"]["bearer_token_file"] = secret_dir_->path() + "/admin-secret";
        gateways_.push_back(std::make_unique<GatewayProcess>(config));
      }
    }
    start_failures_.clear();
    for (int i = 0; i < failures.size(); ++i) start_failures_ += failures.GetTestPartResult(i).message() + std::string("\n");
  }
  void SetUp() override {
    if (!start_failures_.empty()) FAIL() << "the stack did not start:\n" << start_failures_;
  }
  static void TearDownTestSuite() {
    gateways_.clear();
    backend_.reset();
    nats_.reset();
    secret_dir_.reset();
  }

  static GatewayProcess& gw(int i) { return *gateways_[i]; }
  static std::string token(const std::string& user) { return backend_->login(user); }

  // An admin API request to gateway `i`; the status and the parsed body.
  static std::pair<int, json> admin(int i, const std::string& method, const std::string& path, const json& body = {},
                                    const std::string& bearer = kAdminSecret) {
    httplib::Client cli("127.0.0.1", gw(i).admin_port());
    httplib::Headers headers;
    if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
    auto res = method == "GET" ? cli.Get(path.c_str(), headers)
                               : cli.Post(path.c_str(), headers, body.dump(), "application/json");
    if (!res) return {-1, nullptr};
    return {res->status, json::parse(res->body, nullptr, false)};
  }

  // The user's sockets as the admin API lists them, once there are `n` of them.
  static json connections(int i, const std::string& user, std::size_t n) {
    json list;
    for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
      auto [status, body] = admin(i, "GET", "/api/v1/connections?app=tribe&user=" + user);
      if (status == 200 && body["connections"].size() == n) return body["connections"];
      list = body;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "never " << n << " connections of " << user << ": " << list;
    return json::array();
  }

  static void expect_open(WsClient& c) {
    c.send(R"({"event":"ping"})");
    EXPECT_EQ(c.next(), R"({"event":"pong"})");
  }

  inline static std::unique_ptr<NatsServer> nats_;
  inline static std::unique_ptr<DemoBackend> backend_;
  inline static std::unique_ptr<TempDir> secret_dir_;
  inline static std::vector<std::unique_ptr<GatewayProcess>> gateways_;
  inline static std::string start_failures_;
};

TEST_F(Revocation, AControlMessageClosesTheUsersSocketsOnEveryGateway) {
  auto alice1 = tribe_connect(gw(0).port(), token("alice"));
  auto alice2 = tribe_connect(gw(1).port(), token("alice"));
  auto oscar = tribe_connect(gw(0).port(), mint_token(claims("u-oscar", unix_now() + 600)));
  connections(0, "u-alice", 2);  // both gateways hold theirs (the rooms are joined)

  std::string error;
  auto bus = bus::NatsBus::create({nats_->url()}, &error);
  ASSERT_TRUE(bus) << error;
  ASSERT_EQ(bus->publish("gw.ctl.tribe.disconnect.user.u-alice", R"({"reason":"banned"})"), bus::BusError::ok);
  for (auto* c : {alice1.get(), alice2.get()}) {
    EXPECT_EQ(c->wait_closed(10s), 1008);
    EXPECT_EQ(c->close_reason(), "banned");
  }
  expect_open(*oscar);

  // Without a body the dialect's own words; a body that is not an object is no reason.
  auto alice3 = tribe_connect(gw(1).port(), token("alice"));
  connections(0, "u-alice", 1);
  ASSERT_EQ(bus->publish("gw.ctl.tribe.disconnect.user.u-alice", "[1, 2]"), bus::BusError::ok);
  EXPECT_EQ(alice3->wait_closed(10s), 1008);
  EXPECT_EQ(alice3->close_reason(), "Disconnected");
  // Another app's disconnect, a kind that is no kind, another user: nothing
  // closes oscar's socket. The disconnect published after them is acted on
  // after them (NATS keeps one publisher's order), so once alice's socket
  // closed they have been seen.
  auto alice4 = tribe_connect(gw(0).port(), token("alice"));
  connections(0, "u-alice", 1);
  for (const char* subject : {"gw.ctl.circles.disconnect.user.u-oscar", "gw.ctl.tribe.disconnect.room.u-oscar",
                              "gw.ctl.tribe.disconnect.user.u-osca", "gw.ctl.tribe.disconnect.conn.u-oscar"}) {
    ASSERT_EQ(bus->publish(subject, "{}"), bus::BusError::ok);
  }
  ASSERT_EQ(bus->publish("gw.ctl.tribe.disconnect.user.u-alice", ""), bus::BusError::ok);
  EXPECT_EQ(alice4->wait_closed(10s), 1008);
  expect_open(*oscar);
}

TEST_F(Revocation, TheAdminApiListsAUsersSocketsAcrossTheClusterAndDisconnectsOne) {
  const std::string dave = mint_token(claims("u-dave", unix_now() + 600));
  auto dave1 = tribe_connect(gw(0).port(), dave);
  auto dave2 = tribe_connect(gw(1).port(), dave);
  json listed = connections(0, "u-dave", 2);
  std::set<std::string> gateways;
  std::string on_two;
  for (const auto& c : listed) {
    gateways.insert(c["gateway"].get<std::string>());
    if (c["gateway"] == "gw-two") on_two = c["conn"];
  }
  EXPECT_EQ(gateways, (std::set<std::string>{"gw-one", "gw-two"})) << listed;
  EXPECT_EQ(connections(1, "u-dave", 2).size(), 2u) << "the other gateway lists them too";

  // Asked of gateway one, the socket on gateway two closes; the other stays.
  auto [status, body] = admin(0, "POST", "/api/v1/disconnect", {{"app", "tribe"}, {"conn", on_two}, {"reason", "support"}});
  EXPECT_EQ(status, 202) << body;
  EXPECT_EQ(body["subject"], "gw.ctl.tribe.disconnect.conn." + on_two);
  EXPECT_EQ(dave2->wait_closed(10s), 1008);
  EXPECT_EQ(dave2->close_reason(), "support");
  expect_open(*dave1);
  connections(0, "u-dave", 1);

  std::tie(status, body) = admin(1, "POST", "/api/v1/disconnect", {{"app", "tribe"}, {"user", "u-dave"}});
  EXPECT_EQ(status, 202) << body;
  EXPECT_EQ(dave1->wait_closed(10s), 1008);
  EXPECT_EQ(dave1->close_reason(), "Disconnected");
  connections(0, "u-dave", 0);
}

TEST_F(Revocation, TheAdminApiRefusesWithoutTheSecretAndExplainsBadRequests) {
  auto erin = tribe_connect(gw(0).port(), mint_token(claims("u-erin", unix_now() + 600)));
  for (const std::string& bearer : {std::string(), std::string("wrong-secret-of-the-same-size-0123456"),
                                    std::string(kAdminSecret) + "x"}) {
    EXPECT_EQ(admin(0, "GET", "/api/v1/connections?app=tribe&user=u-erin", {}, bearer).first, 401) << bearer;
    EXPECT_EQ(admin(0, "POST", "/api/v1/disconnect", {{"app", "tribe"}, {"user", "u-erin"}}, bearer).first, 401)
        << bearer;
  }
  for (const json& bad : {json{{"app", "tribe"}}, json{{"app", "tribe"}, {"user", "u-erin"}, {"conn", "c"}},
                          json{{"app", "tribe"}, {"user", "no spaces"}}, json{{"user", "u-erin"}},
                          json{{"app", "tribe"}, {"user", "u-erin"}, {"reason", 7}}, json::array()}) {
    auto [status, body] = admin(0, "POST", "/api/v1/disconnect", bad);
    EXPECT_EQ(status, 400) << bad;
    EXPECT_TRUE(body["error"].is_string()) << body;
  }
  EXPECT_EQ(admin(0, "POST", "/api/v1/disconnect", {{"app", "nope"}, {"user", "u-erin"}}).first, 404);
  EXPECT_EQ(admin(0, "GET", "/api/v1/connections?app=tribe").first, 400);
  expect_open(*erin);
}

TEST_F(Revocation, TheDemoBackendsLogoutClosesTheUsersSocketsOnEveryGateway) {
  const std::string bob = token("bob");
  auto bob1 = tribe_connect(gw(0).port(), bob);
  auto bob2 = tribe_connect(gw(1).port(), bob);
  auto frank = tribe_connect(gw(1).port(), mint_token(claims("u-frank", unix_now() + 600)));
  connections(0, "u-bob", 2);

  httplib::Client cli("127.0.0.1", backend_->port());
  auto refused = cli.Post("/api/v1/auth/logout", "", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401) << "no token, no logout";
  auto res = cli.Post("/api/v1/auth/logout", {{"Authorization", "Bearer " + bob}}, "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204) << res->body;
  for (auto* c : {bob1.get(), bob2.get()}) {
    EXPECT_EQ(c->wait_closed(10s), 1008);
    EXPECT_EQ(c->close_reason(), "logout");
  }
  expect_open(*frank);
}

}  // namespace
}  // namespace gangway::test
