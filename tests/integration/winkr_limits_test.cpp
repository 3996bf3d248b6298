// Seed 004's limits as the winkr app's defaults (no "limits" in its config),
// enforced by real gateways: message and typing rates, connections per user
// and per minute, the 32 KB frame, the backend going away, and draining with
// connection:closed before the close.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/integration/winkr_stack.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class WinkrLimitsTest : public SuiteStack<WinkrLimitsTest> {
 public:
  static nlohmann::json config(const std::string& nats_url, int backend_port) {
    return winkr_config(nats_url, backend_port);
  }

 protected:
  // The limiter counts in fixed windows aligned to the wall clock's minutes:
  // a test that straddles a minute's end would see its counter restart. Start
  // the test with at least `needed` left in the current minute.
  static void clear_of_minute_edge(std::chrono::seconds needed) {
    using namespace std::chrono;
    auto into = duration_cast<milliseconds>(system_clock::now().time_since_epoch()) % minutes(1);
    if (minutes(1) - into < needed) std::this_thread::sleep_for(minutes(1) - into + 100ms);
  }

  static void join(WsClient& c, const std::string& conversation) {
    c.send(winkr_frame("conversation:join", {{"conversation_id", conversation}}));
    ASSERT_TRUE(next_event(c, "conversation:joined").is_object());
  }
};

// Each test uses its own user, so that per-user counters do not mix.
TEST_F(WinkrLimitsTest, ThirtyMessagesAMinute) {
  clear_of_minute_edge(20s);
  auto alice = winkr_connect(port(), backend_->login("alice"));
  join(*alice, "conv-ab");
  for (int i = 0; i < 30; ++i) {
    alice->send(
        winkr_frame("message:send", {{"conversation_id", "conv-ab"}, {"content", "m" + std::to_string(i)}}));
    json j = parse_frame(alice->next_where("event", "message:new"));
    ASSERT_TRUE(j.is_object()) << "message " << i;
  }
  alice->send(winkr_frame("message:send", {{"conversation_id", "conv-ab"}, {"content", "one too many"}}));
  json e = next_event(*alice, "error");
  EXPECT_EQ(e["data"]["code"], "RATE_LIMITED") << e;
  EXPECT_EQ(e["data"]["request_event"], "message:send");
  // Other kinds are counted on their own.
  alice->send(winkr_frame("user:status", {{"status", "online"}}));
  EXPECT_TRUE(next_event(*alice, "user:status_updated").is_object());
}

TEST_F(WinkrLimitsTest, TwentyTypingIndicatorsAMinute) {
  clear_of_minute_edge(10s);
  auto bob = winkr_connect(port(), backend_->login("bob"));
  join(*bob, "conv-bc");
  for (int i = 0; i < 20; ++i) bob->send(winkr_frame("typing:start", {{"conversation_id", "conv-bc"}}));
  EXPECT_FALSE(bob->next_where("event", "error", 1s)) << "20 are allowed";
  bob->send(winkr_frame("typing:stop", {{"conversation_id", "conv-bc"}}));
  json e = next_event(*bob, "error");
  EXPECT_EQ(e["data"]["code"], "RATE_LIMITED") << e;
  EXPECT_EQ(e["data"]["request_event"], "typing:stop");
}

TEST_F(WinkrLimitsTest, FiveConnectionsPerUser) {
  std::string token = winkr_token("u-erin");
  std::vector<std::unique_ptr<WsClient>> open;
  for (int i = 0; i < 5; ++i) open.push_back(winkr_connect(port(), token));
  WsClient sixth(port(), "/ws", {{"Authorization", "Bearer " + token}});
  bool refused = sixth.handshake().http_status != 101 || sixth.wait_closed(3s) != 0;
  EXPECT_TRUE(refused) << "a sixth socket for the same user is not kept";
  open.pop_back();
  std::this_thread::sleep_for(300ms);
  winkr_connect(port(), token);  // room again once one closed
}

TEST_F(WinkrLimitsTest, TenConnectionAttemptsAMinute) {
  clear_of_minute_edge(15s);
  std::string token = winkr_token("u-dave");
  for (int i = 0; i < 10; ++i) {
    SCOPED_TRACE(i);
    winkr_connect(port(), token);  // opened and closed at once
  }
  WsClient eleventh(port(), "/ws", {{"Authorization", "Bearer " + token}});
  bool refused = eleventh.handshake().http_status != 101 || eleventh.wait_closed(3s) != 0;
  EXPECT_TRUE(refused);
  // Another user is not affected.
  winkr_connect(port(), winkr_token("u-frank"));
}

TEST_F(WinkrLimitsTest, FramesOver32KbCloseWith1009) {
  auto carol = winkr_connect(port(), backend_->login("carol"));
  std::string pad(31 * 1024, 'x');
  carol->send(winkr_frame("user:status", {{"status", "online"}, {"pad", pad}}));
  EXPECT_TRUE(next_event(*carol, "user:status_updated").is_object()) << "31 KB is within the limit";
  carol->send(winkr_frame("user:status", {{"status", "online"}, {"pad", std::string(33 * 1024, 'x')}}));
  EXPECT_EQ(carol->wait_closed(), 1009);
}

TEST_F(WinkrLimitsTest, ADeeplyNestedFrameDoesNotTakeTheGatewayDown) {
  // 16,000 nested arrays fit in the 32 KB frame (20,000 in a 40 KB one
  // overflowed a loop's stack): refused while parsing, with the dialect's
  // validation error, and the gateway keeps serving everyone.
  auto carol = winkr_connect(port(), backend_->login("carol"));
  carol->send(R"({"event":"user:status","data":{"status":"online","pad":)" + std::string(16000, '[') +
             std::string(16000, ']') + "}}");
  json e = next_event(*carol, "error");
  EXPECT_EQ(e["data"]["code"], "VALIDATION_ERROR") << e;
  carol->send(winkr_frame("user:status", {{"status", "online"}}));
  EXPECT_TRUE(next_event(*carol, "user:status_updated").is_object()) << "the socket stays usable";
  auto bob = winkr_connect(port(), backend_->login("bob"));
  bob->send(winkr_frame("user:status", {{"status", "online"}}));
  EXPECT_TRUE(next_event(*bob, "user:status_updated").is_object()) << "the gateway still serves";
}

TEST(WinkrCluster, BackendDownIsAnInternalErrorNotSilence) {
  NatsServer nats;
  auto backend = std::make_unique<DemoBackend>(nats.url());
  GatewayProcess gw(winkr_config(nats.url(), backend->port(), winkr_relaxed_limits()));
  auto alice = winkr_connect(gw.port(), backend->login("alice"));
  alice->send(winkr_frame("conversation:join", {{"conversation_id", "conv-ab"}}));
  ASSERT_TRUE(next_event(*alice, "conversation:joined").is_object());
  backend.reset();  // stopped by PID
  alice->send(winkr_frame("message:send", {{"conversation_id", "conv-ab"}, {"content", "lost?"}}));
  json e = next_event(*alice, "error");
  EXPECT_EQ(e["data"]["code"], "INTERNAL_ERROR") << e;
  EXPECT_EQ(e["data"]["request_event"], "message:send");
  EXPECT_FALSE(alice->next_where("event", "message:new", 500ms));
}

TEST(WinkrCluster, SigtermSendsConnectionClosedThenClosesWith1001) {
  NatsServer nats;
  DemoBackend backend(nats.url());
  GatewayProcess gw(winkr_config(nats.url(), backend.port(), winkr_relaxed_limits()));
  auto alice = winkr_connect(gw.port(), backend.login("alice"));
  int status = gw.process().stop(std::chrono::seconds(10));
  json closed = next_event(*alice, "connection:closed");
  EXPECT_EQ(closed["data"]["reason"], "going_away") << closed;
  EXPECT_EQ(closed["data"]["code"], 1001);
  EXPECT_EQ(alice->wait_closed(), 1001);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << gw.log();
}

TEST(WinkrCluster, MessagesCrossGateways) {
  NatsServer nats;
  DemoBackend backend(nats.url());
  GatewayProcess gw1(winkr_config(nats.url(), backend.port(), winkr_relaxed_limits(), "gw-winkr-1"));
  GatewayProcess gw2(winkr_config(nats.url(), backend.port(), winkr_relaxed_limits(), "gw-winkr-2"));
  auto alice = winkr_connect(gw1.port(), backend.login("alice"));
  auto bob = winkr_connect(gw2.port(), backend.login("bob"));
  for (auto* c : {alice.get(), bob.get()}) {
    c->send(winkr_frame("conversation:join", {{"conversation_id", "conv-ab"}}));
    ASSERT_TRUE(next_event(*c, "conversation:joined").is_object());
  }
  EXPECT_EQ(next_event(*alice, "user:online")["data"]["user_id"], "u-bob");
  alice->send(winkr_frame("message:send", {{"conversation_id", "conv-ab"}, {"content", "across"}}));
  EXPECT_EQ(next_event(*bob, "message:new")["data"]["message"]["content"], "across");
  alice->send(winkr_frame("typing:start", {{"conversation_id", "conv-ab"}}));
  EXPECT_EQ(next_event(*bob, "typing:indicator")["data"]["user_id"], "u-alice");
  bob->close();
  EXPECT_EQ(next_event(*alice, "user:offline")["data"]["user_id"], "u-bob");
}

}  // namespace
}  // namespace gangway::test
