// Tribe across processes and failures: two gateways on one nats-server, a
// backend that is down, and draining on SIGTERM.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/bus/nats_bus.hpp"
#include "tests/integration/stack.hpp"

#include <sys/wait.h>
#include <condition_variable>

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

void subscribe(WsClient& c, const std::string& conversation) {
  c.send(json{{"event", "subscribe"}, {"channel", "conversation"}, {"conversation_id", conversation}}.dump());
  EXPECT_EQ(c.next(), R"({"event":"subscribed","conversation_id":")" + conversation + "\"}");
}

TEST(TribeCluster, EventsCrossBetweenTwoGateways) {
  NatsServer nats;
  DemoBackend backend(nats.url());
  GatewayProcess gw1(tribe_config(nats.url(), backend.port(), "gw-one"));
  GatewayProcess gw2(tribe_config(nats.url(), backend.port(), "gw-two"));

  auto alice = tribe_connect(gw1.port(), backend.login("alice"));
  auto carol = tribe_connect(gw2.port(), backend.login("carol"));
  auto bob_token = backend.login("bob");
  auto bob = tribe_connect(gw2.port(), bob_token);
  subscribe(*alice, "c-general");
  subscribe(*carol, "c-general");
  subscribe(*bob, "c-general");

  // Typing that originates on gateway 2 reaches alice on gateway 1 (and carol on 2).
  bob->send(R"({"event":"typing","conversation_id":"c-general","is_typing":false})");
  for (auto* c : {alice.get(), carol.get()}) {
    auto f = c->next();
    ASSERT_TRUE(f);
    EXPECT_EQ(json::parse(*f)["data"]["user_id"], "u-bob");
    EXPECT_EQ(json::parse(*f)["data"]["is_typing"], false);
  }
  // message.new published once by the REST service reaches both gateways' subscribers.
  ASSERT_EQ(backend.post_message(bob_token, "c-general", "to everyone"), 201);
  for (auto* c : {alice.get(), carol.get()}) {
    auto f = c->next_where("event", "message.new");
    ASSERT_TRUE(f);
    EXPECT_EQ(json::parse(*f)["data"]["content"], "to everyone");
  }
  EXPECT_TRUE(bob->silent_for(300ms));
}

TEST(TribeCluster, SubscribeFailsClosedWhenTheBackendIsDown) {
  NatsServer nats;
  auto backend = std::make_unique<DemoBackend>(nats.url());
  GatewayProcess gw(tribe_config(nats.url(), backend->port()));
  auto alice = tribe_connect(gw.port(), backend->login("alice"));
  backend.reset();  // stopped by PID

  alice->send(R"({"event":"subscribe","channel":"conversation","conversation_id":"c-general"})");
  auto f = alice->next();
  ASSERT_TRUE(f);
  auto j = json::parse(*f);
  EXPECT_EQ(j["event"], "error");
  EXPECT_EQ(j["code"], "unavailable");
  alice->send(R"({"event":"ping"})");
  EXPECT_EQ(alice->next(), R"({"event":"pong"})");
}

TEST(TribeCluster, SigtermClosesSocketsWith1001) {
  NatsServer nats;
  DemoBackend backend(nats.url());
  GatewayProcess gw(tribe_config(nats.url(), backend.port()));
  auto alice = tribe_connect(gw.port(), backend.login("alice"));
  int status = gw.process().stop(std::chrono::seconds(10));
  EXPECT_EQ(alice->wait_closed(), 1001);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << gw.log();
}

TEST(TribeCluster, PublishesConnectAndDisconnectLifecycle) {
  NatsServer nats;
  DemoBackend backend(nats.url());
  GatewayProcess gw(tribe_config(nats.url(), backend.port()));
  std::string error;
  auto bus = bus::NatsBus::create({nats.url()}, &error);
  ASSERT_TRUE(bus);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<std::string, json>> seen;
  auto sub = bus->subscribe("gw.in.tribe.*", [&](bus::Message&& m) {
    std::lock_guard lock(mu);
    seen.emplace_back(m.subject, json::parse(m.data));
    cv.notify_all();
  });
  // A display name that must be escaped to stay JSON (the body is written out, not dumped).
  const std::string name = "Ada \"the\" \\ Lovelace\n\u00e9\u6f22";
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  {
    auto ada = tribe_connect(gw.port(), mint_token({{"sub", "u-ada"}, {"name", name}, {"username", "ada"},
                                                    {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", now + 600}}));
  }
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return seen.size() >= 2; }));
  EXPECT_EQ(seen[0].first, "gw.in.tribe.connect");
  EXPECT_EQ(seen[1].first, "gw.in.tribe.disconnect");
  for (const auto& [subject, body] : seen) {
    EXPECT_EQ(body["user"], (json{{"id", "u-ada"}, {"name", name}})) << subject;
    EXPECT_EQ(body["app"], "tribe") << subject;
    EXPECT_TRUE(body["gateway"].is_string() && !body["gateway"].get<std::string>().empty()) << subject;
    EXPECT_EQ(body["id"].get<std::string>().size(), 36u) << subject;
    EXPECT_TRUE(body["at"].get<std::string>().ends_with("Z")) << subject;
  }
  EXPECT_NE(seen[0].second["id"], seen[1].second["id"]);
  EXPECT_EQ(seen[0].second["conn"], seen[1].second["conn"]);
  EXPECT_EQ(seen[0].second.size(), 6u) << seen[0].second;
  EXPECT_TRUE(seen[1].second["reason"].is_string() && !seen[1].second["reason"].get<std::string>().empty());
  EXPECT_TRUE(seen[1].second["duration_ms"].is_number_integer());
}

}  // namespace
}  // namespace gangway::test
