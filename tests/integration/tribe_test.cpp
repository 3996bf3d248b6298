// The tribe dialect end to end: a real nats-server, the demo backend, the
// gangway binary and real WebSocket clients, all on free loopback ports.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "gateway/bus/nats_bus.hpp"
#include "tests/bus/bus_test_util.hpp"
#include "tests/integration/stack.hpp"
#include "tests/support/raw_ws_client.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class TribeTest : public SuiteStack<TribeTest> {
 public:
  static nlohmann::json config(const std::string& nats_url, int backend_port) {
    return tribe_config(nats_url, backend_port);
  }

 protected:

  // Subscribes and waits for the confirmation.
  static void subscribe(WsClient& c, const std::string& conversation) {
    c.send(json{{"event", "subscribe"}, {"channel", "conversation"}, {"conversation_id", conversation}}.dump());
    auto f = c.next();
    ASSERT_TRUE(f);
    EXPECT_EQ(*f, R"({"event":"subscribed","conversation_id":")" + conversation + "\"}");
  }
};

TEST_F(TribeTest, ConnectedOnConnectAndPingPong) {
  auto c = tribe_connect(port(), token("alice"));
  c->send(R"({"event":"ping"})");
  EXPECT_EQ(c->next(), R"({"event":"pong"})");
}

TEST_F(TribeTest, RefusesUpgradeWithout401DetailsForBadTokens) {
  std::int64_t now = std::time(nullptr);
  json good = {{"sub", "u-alice"}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", now + 600}};
  json expired = good;
  expired["exp"] = now - 3600;
  json wrong_iss = good;
  wrong_iss["iss"] = "someone-else";
  for (const std::string& target :
       {std::string("/api/v1/ws"), std::string("/api/v1/ws?token="), std::string("/api/v1/ws?token=garbage"),
        "/api/v1/ws?token=" + mint_token(expired), "/api/v1/ws?token=" + mint_token(wrong_iss),
        "/api/v1/ws?token=" + mint_token(good, "not-the-secret")}) {
    WsClient c(port(), target);
    EXPECT_EQ(c.handshake().http_status, 401) << target;
    EXPECT_EQ(c.handshake().body.find("token"), std::string::npos) << "the refusal must not explain itself";
  }
  // The same claims with the right secret are accepted.
  WsClient ok(port(), "/api/v1/ws?token=" + mint_token(good));
  EXPECT_EQ(ok.handshake().http_status, 101);
}

TEST_F(TribeTest, UnknownPathIs404AndPlainHttpIs426) {
  WsClient c(port(), "/nope?token=" + token("alice"));
  EXPECT_EQ(c.handshake().http_status, 404);
  EXPECT_EQ(http_get(port(), "/api/v1/ws").first, 426);
}

TEST_F(TribeTest, MessageNewReachesSubscribersButNotTheSender) {
  auto alice = tribe_connect(port(), token("alice"));
  auto alice_phone = tribe_connect(port(), token("alice"));
  auto bob_token = token("bob");
  auto bob = tribe_connect(port(), bob_token);
  subscribe(*alice, "c-general");
  subscribe(*alice_phone, "c-general");
  subscribe(*bob, "c-general");

  ASSERT_EQ(backend_->post_message(bob_token, "c-general", "hello from bob"), 201);
  for (auto* c : {alice.get(), alice_phone.get()}) {
    auto f = c->next();
    ASSERT_TRUE(f);
    auto j = json::parse(*f);
    EXPECT_EQ(j["event"], "message.new");
    EXPECT_EQ(j["conversation_id"], "c-general");
    EXPECT_EQ(j["data"]["content"], "hello from bob");
    EXPECT_EQ(j["data"]["conversation_id"], "c-general");
    EXPECT_EQ(j["data"]["sender"]["id"], "u-bob");
    EXPECT_TRUE(j["data"].contains("id"));
    EXPECT_TRUE(j["data"].contains("created_at"));
    EXPECT_EQ(f->find(R"({"event":"message.new","conversation_id":"c-general","data":{)"), 0u) << *f;
  }
  EXPECT_TRUE(bob->silent_for(300ms)) << "the sender is excluded";
}

TEST_F(TribeTest, UnsubscribedSocketsReceiveNothing) {
  auto alice = tribe_connect(port(), token("alice"));
  auto bob_token = token("bob");
  subscribe(*alice, "c-ab");
  alice->send(R"({"event":"unsubscribe","conversation_id":"c-ab"})");
  alice->send(R"({"event":"ping"})");
  EXPECT_EQ(alice->next(), R"({"event":"pong"})") << "unsubscribe has no confirmation frame in the seed";
  ASSERT_EQ(backend_->post_message(bob_token, "c-ab", "anyone?"), 201);
  EXPECT_TRUE(alice->silent_for(300ms));
}

TEST_F(TribeTest, SubscribeIsVerifiedAgainstTheBackend) {
  auto carol = tribe_connect(port(), token("carol"));
  carol->send(R"({"event":"subscribe","channel":"conversation","conversation_id":"c-ab"})");
  auto f = carol->next();
  ASSERT_TRUE(f);
  auto j = json::parse(*f);
  EXPECT_EQ(j["event"], "error");
  EXPECT_EQ(j["code"], "forbidden");
  // Nothing from c-ab reaches carol, and her socket still works.
  ASSERT_EQ(backend_->post_message(token("alice"), "c-ab", "private"), 201);
  carol->send(R"({"event":"ping"})");
  EXPECT_EQ(carol->next(), R"({"event":"pong"})");
}

TEST_F(TribeTest, TypingGoesToOtherSubscribersAndOnTheBus) {
  std::string error;
  auto bus = bus::NatsBus::create({nats_->url()}, &error);
  ASSERT_TRUE(bus) << error;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<bus::Message> seen;
  auto sub = bus->subscribe("gw.in.tribe.typing.conversation.c-general", [&](bus::Message&& m) {
    std::lock_guard lock(mu);
    seen.push_back(std::move(m));
    cv.notify_all();
  });
  auto alice = tribe_connect(port(), token("alice"));
  auto bob = tribe_connect(port(), token("bob"));
  subscribe(*alice, "c-general");
  subscribe(*bob, "c-general");
  alice->send(R"({"event":"typing","conversation_id":"c-general","is_typing":true})");
  auto f = bob->next();
  ASSERT_TRUE(f);
  EXPECT_EQ(*f,
            R"({"event":"typing","conversation_id":"c-general","data":{"user_id":"u-alice","user_name":"Alice Liddell","is_typing":true}})");
  EXPECT_TRUE(alice->silent_for(300ms));

  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !seen.empty(); }));
  auto envelope = json::parse(seen[0].data);
  EXPECT_EQ(envelope["app"], "tribe");
  EXPECT_EQ(envelope["kind"], "typing");
  EXPECT_EQ(envelope["room"], json({{"kind", "conversation"}, {"id", "c-general"}}));
  EXPECT_EQ(envelope["user"]["id"], "u-alice");
  EXPECT_EQ(envelope["data"]["is_typing"], true);
  bool has_msg_id = false;
  for (const auto& [k, v] : seen[0].headers) has_msg_id |= (k == "Nats-Msg-Id" && v == envelope["id"]);
  EXPECT_TRUE(has_msg_id);
}

// Messages received by each of the gateway's NATS connections (by name), as
// nats-server counts them.
std::map<std::string, std::int64_t> gateway_in_msgs(int monitor_port) {
  std::map<std::string, std::int64_t> out;
  auto [status, body] = http_get(monitor_port, "/connz?limit=1024");
  if (status != 200) return out;
  const json connz = json::parse(body, nullptr, false);
  if (!connz.contains("connections")) return out;
  for (const auto& c : connz["connections"]) {
    auto name = c.value("name", std::string());
    if (name.rfind("gangway-gw-test", 0) == 0) out[name] = c.value("in_msgs", std::int64_t{0});
  }
  return out;
}

// A socket's connect, frames and disconnect go out on the connection that is
// not echoed (one connection's order, one flusher per upgrade); only what the
// gateway's own sockets must hear back (gw.out) goes on the main one.
TEST_F(TribeTest, ASocketsGwInTrafficUsesTheConnectionWithoutEcho) {
  const std::string main = "gangway-gw-test", no_echo = "gangway-gw-test-no-echo";
  std::string error;
  auto bus = bus::NatsBus::create({nats_->url()}, &error);
  ASSERT_TRUE(bus) << error;
  std::atomic<int> gw_in{0}, gw_out{0};
  auto in_sub = bus->subscribe("gw.in.tribe.>", [&](bus::Message&&) { ++gw_in; });
  auto out_sub = bus->subscribe("gw.out.tribe.>", [&](bus::Message&&) { ++gw_out; });
  auto flushed = std::make_shared<bus::test::Acks>();
  bus->flush(5s, bus::test::into(flushed));
  ASSERT_TRUE(flushed->wait_for(1));
  ASSERT_EQ(flushed->items()[0], bus::BusError::ok);

  // Joining a conversation room sends a flush on the main connection (a
  // message to its own inbox): the joins are done before counting.
  auto alice = tribe_connect(port(), token("alice"));
  auto bob = tribe_connect(port(), token("bob"));
  subscribe(*alice, "c-general");
  subscribe(*bob, "c-general");
  ASSERT_TRUE(bus::test::eventually([&] { return gw_in == 2; }));  // both connects: counted by the server too
  auto before = gateway_in_msgs(nats_->monitor_port());
  ASSERT_EQ(before.size(), 2u) << "the gateway's two connections, by name";
  gw_in = 0;
  gw_out = 0;

  auto carol = tribe_connect(port(), token("carol"));
  alice->send(R"({"event":"typing","conversation_id":"c-general","is_typing":true})");
  ASSERT_TRUE(bob->next());  // the typing event, back through the main connection's echo
  alice.reset();
  bob.reset();
  carol.reset();
  // Carol's connect, the typing, three disconnects.
  ASSERT_TRUE(bus::test::eventually([&] { return gw_in == 5; }));
  ASSERT_TRUE(bus::test::eventually([&] { return gateway_in_msgs(nats_->monitor_port())[no_echo] - before[no_echo] >= gw_in; }));
  auto after = gateway_in_msgs(nats_->monitor_port());
  EXPECT_GE(gw_out.load(), 1);
  EXPECT_LE(after[main] - before[main], gw_out.load()) << "only gw.out on the main connection";
}

// Sockets need both connections (frames and lifecycle events leave on the
// one without echo): with only the main one up the gateway is not ready. A
// nats-server that admits one client refuses the second connection.
TEST(TribeReadiness, NotReadyWhileOneNatsConnectionIsDown) {
  NatsServer nats({.js = NatsServer::JetStream::off, .config = "max_connections: 1\n"});
  // The start-up probe's own TCP connection may still hold the one place:
  // wait until the server has let it go, or the gateway's first connect is refused.
  ASSERT_TRUE(bus::test::eventually([&] {
    auto [code, body] = http_get(nats.monitor_port(), "/connz");
    return code == 200 && json::parse(body, nullptr, false).value("num_connections", -1) == 0;
  }));
  GatewayProcess gateway(tribe_config(nats.url(), free_port()));
  // The main connection is made first and takes the one place.
  auto status = [&] { return http_get(gateway.admin_port(), "/readyz").first; };
  EXPECT_TRUE(bus::test::eventually([&] { return status() == 503; }));
  EXPECT_NE(http_get(gateway.admin_port(), "/metrics").second.find("gangway_nats_connected 0"), std::string::npos);
}

TEST_F(TribeTest, TypingBeforeSubscribingIsAnError) {
  auto alice = tribe_connect(port(), token("alice"));
  alice->send(R"({"event":"typing","conversation_id":"c-general","is_typing":true})");
  auto j = json::parse(alice->next().value_or("{}"));
  EXPECT_EQ(j["code"], "not_joined");
}

TEST_F(TribeTest, EveryBadFrameGetsAnErrorAndTheSocketStaysUsable) {
  auto alice = tribe_connect(port(), token("alice"));
  const std::pair<std::string, std::string> cases[] = {
      {"{not json", "invalid_json"},
      {"[1,2]", "invalid_json"},
      {R"({"event":"launch"})", "unknown_type"},
      {R"({"no_event":1})", "missing_field"},
      {R"({"event":42})", "invalid_field"},
      {R"({"event":"subscribe","conversation_id":"a.b"})", "invalid_id"},
      {R"({"event":"subscribe","conversation_id":"*"})", "invalid_id"},
      {R"({"event":"subscribe","conversation_id":">"})", "invalid_id"},
      {R"({"event":"subscribe"})", "missing_field"},
      {R"({"event":"typing","conversation_id":"c-general","is_typing":"yes"})", "invalid_field"},
  };
  for (const auto& [frame, code] : cases) {
    alice->send(frame);
    auto f = alice->next();
    ASSERT_TRUE(f) << frame;
    auto j = json::parse(*f);
    EXPECT_EQ(j["event"], "error") << frame;
    EXPECT_EQ(j["code"], code) << frame;
  }
  alice->send_binary("\x01\x02");
  EXPECT_EQ(json::parse(alice->next().value_or("{}"))["code"], "binary_frame");
  alice->send(R"({"event":"ping"})");
  EXPECT_EQ(alice->next(), R"({"event":"pong"})");
}

TEST_F(TribeTest, OversizeFrameClosesWith1009) {
  auto alice = tribe_connect(port(), token("alice"));
  alice->send(R"({"event":"ping","pad":")" + std::string(8000, 'x') + "\"}");
  EXPECT_EQ(alice->wait_closed(), 1009);
  // The gateway keeps serving everyone else.
  auto bob = tribe_connect(port(), token("bob"));
}

TEST_F(TribeTest, AdminEndpoints) {
  auto alice = tribe_connect(port(), token("alice"));
  WsClient refused(port(), "/api/v1/ws?token=garbage");  // counted as an unauthorized error
  ASSERT_EQ(refused.handshake().http_status, 401);
  EXPECT_EQ(http_get(gateway_->admin_port(), "/healthz").first, 200);
  EXPECT_EQ(http_get(gateway_->admin_port(), "/readyz").first, 200);
  auto [status, body] = http_get(gateway_->admin_port(), "/metrics");
  EXPECT_EQ(status, 200);
  EXPECT_NE(body.find("gangway_connections_open{app=\"tribe\"}"), std::string::npos);
  EXPECT_NE(body.find("gangway_nats_connected 1"), std::string::npos);
  EXPECT_NE(body.find("gangway_errors_total{app=\"tribe\",code=\"unauthorized\"}"), std::string::npos);
}


// A gateway whose upgrades must finish within two seconds.
class TribeDeadlineTest : public SuiteStack<TribeDeadlineTest> {
 public:
  static nlohmann::json config(const std::string& nats_url, int backend_port) {
    auto c = tribe_config(nats_url, backend_port);
    c["apps"][0]["limits"]["handshake_timeout_s"] = 2;  // also the close's deadline
    c["apps"][0]["limits"]["max_queued_bytes"] = 64 * 1024;
    return c;
  }
};

// Sends `request` on a fresh TCP connection; seconds until the server closes
// it (recv gives EOF or a reset), or -1 if it is still open after `limit_s`.
double seconds_until_closed(int port, const std::string& request, int limit_s) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{limit_s, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto start = std::chrono::steady_clock::now();
  double result = -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
    char buf[512];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
    }
    if (n == 0 || errno == ECONNRESET)
      result = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  ::close(fd);
  return result;
}

// The whole answer to `request` on a fresh TCP connection (until the server
// closes it, or `limit_s`).
std::string answer_to(int port, const std::string& request, int limit_s = 5) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{limit_s, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);  // the server may stop reading part-way
    char buf[512];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

// Issue 22: these got a bare TCP reset. Now the status, as nginx and Envoy
// answer, and the connection closes cleanly so the client can read it.
TEST_F(TribeTest, AnUpgradeItCannotTakeGetsItsStatusNotAReset) {
  const std::string upgrade_headers = "Host: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                                      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  const std::string long_url = "GET /api/v1/ws?token=" + std::string(20 * 1024, 'a') + " HTTP/1.1\r\n" + upgrade_headers + "\r\n";
  EXPECT_EQ(answer_to(port(), long_url).substr(0, 12), "HTTP/1.1 414") << "a URL over 16 KiB";
  const std::string big_headers = "GET /api/v1/ws HTTP/1.1\r\n" + upgrade_headers + "X-Big: " + std::string(20 * 1024, 'b') + "\r\n\r\n";
  EXPECT_EQ(answer_to(port(), big_headers).substr(0, 12), "HTTP/1.1 431") << "headers over 16 KiB";
  EXPECT_EQ(answer_to(port(), "\x16\x03\x01 garbage\r\n\r\n").substr(0, 12), "HTTP/1.1 400")
      << "garbage (a TLS hello to the plain port)";
  EXPECT_EQ(answer_to(port(), "GET /api/v1/ws HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n").substr(0, 12), "HTTP/1.1 400");
  // The gateway keeps serving.
  auto c = tribe_connect(port(), token("alice"));
  c->send(R"({"event":"ping"})");
  EXPECT_EQ(c->next(), R"({"event":"pong"})");
}

TEST_F(TribeDeadlineTest, AnUpgradeThatNeverFinishesIsClosedAndAcceptedSocketsStay) {
  // The request line and one header, never the blank line that ends them.
  double closed_after = seconds_until_closed(port(), "GET /api/v1/ws HTTP/1.1\r\nHost: gangway\r\n", 20);
  EXPECT_GE(closed_after, 0) << "a half-sent upgrade must not hold its socket forever";
  // Another client is served as usual, and its socket outlives the upgrade's deadline.
  auto c = tribe_connect(port(), token("alice"));
  std::this_thread::sleep_for(2500ms);
  c->send(R"({"event":"ping"})");
  EXPECT_EQ(c->next(), R"({"event":"pong"})");
}

// A client that stops reading: its write queue overflows, the gateway starts a
// close (1008) that cannot be written while the peer reads nothing, and the
// socket is freed at the close's deadline (2 s here) all the same. (The
// session's deadline and Beast's own close timeout both stand guard; either
// alone passes this test.)
TEST_F(TribeDeadlineTest, AClientThatNeverReadsIsDroppedAtTheCloseDeadline) {
  RawWsClient stuck(port(), "/api/v1/ws?token=" + token("alice"), "", 4096);
  ASSERT_EQ(stuck.http_status(), 101);
  ASSERT_TRUE(stuck.next());  // connected
  stuck.send_text(R"({"event":"subscribe","channel":"conversation","conversation_id":"c-general"})");
  auto subscribed = stuck.next();
  ASSERT_TRUE(subscribed);
  ASSERT_EQ(subscribed->text(), R"({"event":"subscribed","conversation_id":"c-general"})");

  std::string error;
  auto bus = bus::NatsBus::create({nats_url()}, &error);
  ASSERT_TRUE(bus) << error;
  const std::string content(1000, 'x');
  for (int i = 0; i < 3000; ++i)  // ~3 MB: past the 64 KiB queue and every kernel buffer
    ASSERT_EQ(bus->publish("gw.out.tribe.conversation.c-general",
                           json{{"event", "message.new"}, {"data", {{"content", content}}}}.dump()),
              bus::BusError::ok);
  std::this_thread::sleep_for(3500ms);  // past the close's deadline, still not reading
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(stuck.wait_closed(10s)) << "a socket whose close cannot be written must still be freed";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms)
      << "the socket was closed only once the client drained it, not at the deadline";

  auto c = tribe_connect(port(), token("bob"));
  c->send(R"({"event":"ping"})");
  EXPECT_EQ(c->next(), R"({"event":"pong"})");
}

// A callout that forwards the client's token: the session keeps the token after
// verifying it (others drop it), so a subscribe authorized by an endpoint that
// requires the bearer works.
class TribeForwardedBearerTest : public SuiteStack<TribeForwardedBearerTest> {
 public:
  static nlohmann::json config(const std::string& nats_url, int backend_port) {
    auto c = tribe_config(nats_url, backend_port);
    // The demo backend's /api/v1/users/me answers 200 only with a valid bearer.
    c["apps"][0]["callouts"]["conversation_participant"] = {
        {"path", "/api/v1/users/me"}, {"forward", {"bearer"}}, {"timeout_ms", 2000}};
    return c;
  }
};

TEST_F(TribeForwardedBearerTest, TheTokenReachesACalloutLongAfterTheUpgrade) {
  auto c = tribe_connect(port(), token("alice"));
  c->send(json{{"event", "subscribe"}, {"channel", "conversation"}, {"conversation_id", "c-general"}}.dump());
  EXPECT_EQ(c->next(), R"({"event":"subscribed","conversation_id":"c-general"})");
}

}  // namespace
}  // namespace gangway::test
