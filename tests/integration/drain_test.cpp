// The phased drain on SIGTERM (issue 26, docs/deployment.md "Stopping"),
// against the real gateway: /readyz fails at once, upgrades are refused only
// after drain.refuse_after_s, the sockets are closed with 1001 spread over the
// window, a store in flight is answered before its socket closes and one that
// never answers gets the dialect's error (never an acknowledgement), and the
// process exits 0. Only lower bounds on time are asserted (a loaded machine
// can only make things later); the spread is printed, not asserted.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <ctime>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <thread>

#include "gateway/bus/nats_bus.hpp"
#include "tests/integration/stack.hpp"
#include "tests/integration/winkr_stack.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string user_token(const std::string& sub) {
  return mint_token({{"sub", sub}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", std::time(nullptr) + 600}});
}

// Polls `done` every 20 ms for up to `limit`.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = 15s) {
  for (auto end = Clock::now() + limit; Clock::now() < end; std::this_thread::sleep_for(20ms))
    if (done()) return true;
  return done();
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

TEST(Drain, ReadinessFailsAtOnceUpgradesStopLaterAndClosesAreSpread) {
  constexpr int kSockets = 40;
  constexpr auto kRefuseAfter = 2s;
  constexpr auto kWindow = 4s;  // grace - flush - refuse_after
  NatsServer nats;
  DemoBackend backend(nats.url());
  json config = tribe_config(nats.url(), backend.port(), "gw-drain");
  config["drain"] = {{"grace_s", 9}, {"refuse_after_s", 2}, {"flush_s", 3}};
  GatewayProcess gw(config);
  std::vector<std::unique_ptr<WsClient>> sockets;
  for (int i = 0; i < kSockets; ++i) sockets.push_back(tribe_connect(gw.port(), user_token("u-" + std::to_string(i))));
  ASSERT_EQ(http_get(gw.admin_port(), "/readyz").first, 200);

  const auto signalled = Clock::now();
  ASSERT_EQ(::kill(gw.process().pid(), SIGTERM), 0);
  ASSERT_TRUE(eventually([&] { return http_get(gw.admin_port(), "/readyz").first == 503; })) << gw.log();
  const auto unready = Clock::now();
  EXPECT_NE(http_get(gw.admin_port(), "/readyz").second.find("draining"), std::string::npos);

  // An upgrade is still accepted until refuse_after (the load balancer may not
  // have seen /readyz fail yet); if this one came too late, it was refused
  // no earlier than that.
  WsClient early(gw.port(), "/api/v1/ws?token=" + user_token("u-early"));
  if (early.handshake().http_status != 101) {
    EXPECT_GE(Clock::now() - signalled, kRefuseAfter);
  }
  ASSERT_TRUE(eventually([&] {
    WsClient c(gw.port(), "/api/v1/ws?token=" + user_token("u-late"));
    return c.handshake().http_status != 101;
  })) << "upgrades were never refused";
  EXPECT_GE(Clock::now() - signalled, kRefuseAfter) << "refused before drain.refuse_after_s";

  for (auto& s : sockets) EXPECT_EQ(s->wait_closed(20s), 1001);
  if (early.handshake().http_status == 101) {
    EXPECT_EQ(early.wait_closed(20s), 1001) << "accepted while draining, closed too";
  }
  std::vector<Clock::time_point> closes;
  for (auto& s : sockets) closes.push_back(s->closed_at());
  std::sort(closes.begin(), closes.end());
  EXPECT_GE(closes.front() - signalled, kRefuseAfter) << "a socket closed before the listeners did";
  // The last socket is told once its share is due: (n-1)/n of the window after refuse_after.
  EXPECT_GE(closes.back() - signalled, kRefuseAfter + kWindow * (kSockets - 1) / kSockets) << "not spread";

  auto status = gw.process().wait(30s);
  ASSERT_TRUE(status) << "still running 30 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << gw.log();
  const auto exited = Clock::now();

  std::map<int, int> per_second;
  for (auto t : closes) ++per_second[static_cast<int>(seconds(t - signalled))];
  std::string spread;
  for (auto [second, n] : per_second) spread += " " + std::to_string(second) + "s:" + std::to_string(n);
  std::printf("drain of %d sockets: /readyz 503 after %.3f s; closes per second after SIGTERM:%s; exit after %.2f s\n",
              kSockets, seconds(unready - signalled), spread.c_str(), seconds(exited - signalled));
}

// Nothing to spread: a gateway without sockets goes from refusing upgrades
// to exit at once, not at the end of the close window (here 27 s later).
TEST(Drain, WithoutSocketsTheGatewayExitsOnceItRefusesUpgrades) {
  NatsServer nats(NatsServer::JetStream::off);
  DemoBackend backend(nats.url());
  json config = tribe_config(nats.url(), backend.port(), "gw-drain-empty");
  config["drain"] = {{"grace_s", 30}, {"refuse_after_s", 1}, {"flush_s", 2}};
  GatewayProcess gw(config);
  const auto signalled = Clock::now();
  ASSERT_EQ(::kill(gw.process().pid(), SIGTERM), 0);
  auto status = gw.process().wait(15s);
  ASSERT_TRUE(status.has_value()) << "still running 15 s after SIGTERM with no socket open:\n" << gw.log();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << gw.log();
  EXPECT_GE(Clock::now() - signalled, 1s) << "exited before drain.refuse_after_s";
}

// winkr with its stores held by the test (persist.message.via request on a
// subject the test answers): a socket waiting for its store is acknowledged,
// then closed; a store never answered gets the dialect's error at the deadline.
TEST(Drain, AStoreInFlightIsAnsweredBeforeItsSocketClosesAndNeverAcknowledgedUnstored) {
  NatsServer nats;
  DemoBackend backend(nats.url());
  std::string error;
  auto bus = bus::NatsBus::create({nats.url()}, &error);
  ASSERT_TRUE(bus) << error;
  std::mutex mu;
  std::vector<bus::Message> held;  // requests the test answers when it chooses
  auto sub = bus->subscribe("gw.test.held", [&](bus::Message&& m) {
    std::lock_guard lock(mu);
    held.push_back(std::move(m));
  });
  std::promise<bus::BusError> flushed;
  bus->flush(5s, [&](bus::BusError e) { flushed.set_value(e); });
  ASSERT_EQ(flushed.get_future().get(), bus::BusError::ok);

  json config = winkr_config(nats.url(), backend.port(), winkr_relaxed_limits(), "gw-drain-stores");
  config["apps"][0]["persist"]["message"] = {{"via", "request"}, {"subject", "gw.test.held"}, {"timeout_ms", 60000}};
  config["apps"][0]["callouts"].erase("store_message");  // the demo's HTTP store, unused now
  config["drain"] = {{"grace_s", 8}, {"refuse_after_s", 0}, {"flush_s", 4}};
  GatewayProcess gw(config);
  auto alice = winkr_connect(gw.port(), backend.login("alice"));
  auto bob = winkr_connect(gw.port(), backend.login("bob"));
  auto carol = winkr_connect(gw.port(), backend.login("carol"));
  for (auto* c : {alice.get(), bob.get()}) {
    c->send(winkr_frame("conversation:join", {{"conversation_id", "conv-ab"}}));
    ASSERT_TRUE(next_event(*c, "conversation:joined").is_object());
  }
  auto send = [](WsClient& c, const std::string& content) {
    c.send(winkr_frame("message:send", {{"conversation_id", "conv-ab"}, {"content", content}, {"type", "text"}}));
  };
  send(*alice, "stored during the drain");
  ASSERT_TRUE(eventually([&] { std::lock_guard lock(mu); return held.size() == 1; }));
  send(*bob, "never stored");
  ASSERT_TRUE(eventually([&] { std::lock_guard lock(mu); return held.size() == 2; }));

  ASSERT_EQ(::kill(gw.process().pid(), SIGTERM), 0);
  EXPECT_EQ(carol->wait_closed(20s), 1001) << "a socket with no store closes";
  ASSERT_TRUE(eventually([&] { return gw.log().find("every socket told to close") != std::string::npos; })) << gw.log();
  EXPECT_TRUE(alice->open()) << "told to close, alice waits for her store";

  // Alice's store answers (the demo's worker stores it): her message:new, then 1001.
  bus::Message request;
  {
    std::lock_guard lock(mu);
    request = held[0].data.find("stored during") != std::string::npos ? held[0] : held[1];
  }
  std::promise<std::pair<bus::BusError, std::string>> stored;
  bus->request("gw.store.winkr.message", request.data, 5s,
               [&](bus::BusError e, std::string&& reply) { stored.set_value({e, std::move(reply)}); });
  auto [store_error, reply] = stored.get_future().get();
  ASSERT_EQ(store_error, bus::BusError::ok) << reply;
  ASSERT_EQ(bus->publish(request.reply, reply), bus::BusError::ok);
  json got = next_event(*alice, "message:new", 10s);
  EXPECT_EQ(got["data"]["message"]["content"], "stored during the drain") << got;
  EXPECT_EQ(alice->wait_closed(20s), 1001);

  // Bob's store never answers: at the deadline the dialect's error, never his message:new.
  std::vector<json> frames;
  while (auto f = bob->next(20s)) frames.push_back(parse_frame(f));
  EXPECT_EQ(bob->wait_closed(1s), 1001);
  bool refused = false;
  auto text = [](const json& f, const char* pointer) {
    return f.is_object() ? f.value(json::json_pointer(pointer), std::string()) : std::string();
  };
  for (const auto& f : frames) {
    EXPECT_FALSE(text(f, "/event") == "message:new" && text(f, "/data/message/sender_id") == "u-bob")
        << "acknowledged without a store: " << f;
    refused |= text(f, "/event") == "error" && text(f, "/data/code") == "INTERNAL_ERROR";
  }
  EXPECT_TRUE(refused) << "bob was not told his message may not be stored: " << json(frames).dump();

  auto status = gw.process().wait(30s);
  ASSERT_TRUE(status) << "still running 30 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << gw.log();
}

}  // namespace
}  // namespace gangway::test
