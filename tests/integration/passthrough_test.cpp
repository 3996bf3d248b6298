// The HTTP pass-through in the real gateway: bodies, keep-alive, what crosses,
// upgrades and REST calls on one port (passthrough_stack.hpp).
#include <gtest/gtest.h>

#include <thread>

#include "tests/integration/passthrough_stack.hpp"

namespace gangway::test {
namespace {

TEST_F(PassThroughTest, GetWithoutBody) {
  auto res = once(pt_port_, get_request("/p/echo?x=1"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_EQ(res->body(), "");
  auto seen = backend_->last("/p/echo?x=1");
  EXPECT_EQ(seen.method, "GET");
  EXPECT_FALSE(seen.has("content-length"));
  EXPECT_FALSE(seen.has("transfer-encoding"));
}

TEST_F(PassThroughTest, PostEmptyAndOneMebibyteBodies) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1} << 20}) {
    const std::string body = pattern(size);
    auto res = once(pt_port_, post_request("/p/echo?size=" + std::to_string(size), body));
    ASSERT_TRUE(res) << size;
    EXPECT_EQ(res->result_int(), 200);
    EXPECT_EQ(res->body().size(), size);
    EXPECT_TRUE(res->body() == body) << "the echo differs, size " << size;
    auto seen = backend_->last("/p/echo?size=" + std::to_string(size));
    EXPECT_EQ(seen.header("content-length"), std::to_string(size));
    EXPECT_TRUE(seen.body == body);
  }
}

TEST_F(PassThroughTest, ChunkedRequestBodyStaysChunked) {
  std::string request =
      "POST /p/echo?chunked HTTP/1.1\r\nHost: gateway.test\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string body;
  for (std::size_t piece : {1, 4096, 70000, 3, 100000}) {
    auto bytes = pattern(piece);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", piece);
    request += size + bytes + "\r\n";
    body += bytes;
  }
  request += "0\r\n\r\n";
  auto res = once(pt_port_, request);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_TRUE(res->body() == body);
  auto seen = backend_->last("/p/echo?chunked");
  EXPECT_EQ(seen.header("transfer-encoding"), "chunked");
  EXPECT_FALSE(seen.has("content-length"));
  EXPECT_EQ(seen.body.size(), body.size());
}

TEST_F(PassThroughTest, ExpectContinueIsAnsweredBeforeTheBody) {
  RawHttpClient c(pt_port_);
  const std::string body = pattern(1 << 20);
  ASSERT_TRUE(c.send("POST /p/echo?expect HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c.read(10s, false, true);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100);
  ASSERT_TRUE(c.send(body));
  auto res = c.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_EQ(res->body().size(), body.size());
  EXPECT_FALSE(backend_->last("/p/echo?expect").has("expect"));
}

TEST_F(PassThroughTest, ChunkedAnswerOfOneMebibyte) {
  auto res = once(pt_port_, get_request("/p/chunked?n=1048576"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_TRUE(res->chunked());
  EXPECT_TRUE(res->body() == pattern(1 << 20));
}

TEST_F(PassThroughTest, Http10ClientGetsTheAnswerUntilTheClose) {
  RawHttpClient c(pt_port_);
  ASSERT_TRUE(c.send("GET /p/chunked?n=5000 HTTP/1.0\r\nHost: gateway.test\r\n\r\n"));
  auto res = c.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_FALSE(res->chunked());
  EXPECT_EQ(res->body(), pattern(5000));  // whole: a body without a length ends only at the close
  EXPECT_EQ((*res)[boost::beast::http::field::connection], "close");
}

TEST_F(PassThroughTest, HeadAnswerHasNoBody) {
  auto res = once(pt_port_, "HEAD /p/echo HTTP/1.1\r\nHost: gateway.test\r\n\r\n", true);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_EQ(backend_->last("/p/echo").method, "HEAD");
}

TEST_F(PassThroughTest, KeepAliveToTheClientAndToTheBackend) {
  RawHttpClient c(pt_port_);
  ASSERT_TRUE(c.send(get_request("/p/echo?warm")));  // this loop's pool gets its connection
  ASSERT_TRUE(c.read());
  const auto before = backend_->connections();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.send(post_request("/p/echo?keep=" + std::to_string(i), "body " + std::to_string(i))));
    auto res = c.read();
    ASSERT_TRUE(res) << i;
    EXPECT_EQ(res->body(), "body " + std::to_string(i));
    EXPECT_TRUE(res->keep_alive());
  }
  EXPECT_EQ(backend_->connections(), before) << "one backend connection, reused, serves the client's requests";
  // Two requests in one write (pipelined): two answers, in order.
  ASSERT_TRUE(c.send(get_request("/p/echo?pipe=1") + post_request("/p/echo?pipe=2", "second")));
  auto first = c.read();
  auto second = c.read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body(), "");
  EXPECT_EQ(second->body(), "second");
  EXPECT_EQ(backend_->connections(), before);
}

TEST_F(PassThroughTest, ConnectionCloseIsHonouredBothWays) {
  RawHttpClient c(pt_port_);
  ASSERT_TRUE(c.send(get_request("/p/echo?close", "Connection: close\r\n")));
  auto res = c.read();
  ASSERT_TRUE(res);
  EXPECT_FALSE(res->keep_alive());
  EXPECT_TRUE(c.closed_within(5s));
  // The backend closing after its answer: the answer arrives, the client connection stays.
  RawHttpClient d(pt_port_);
  ASSERT_TRUE(d.send(get_request("/p/close")));
  auto closing = d.read();
  ASSERT_TRUE(closing);
  EXPECT_EQ(closing->body(), "closing");
  ASSERT_TRUE(d.send(get_request("/p/echo?after-close")));
  auto after = d.read();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->result_int(), 200);
}

TEST_F(PassThroughTest, HopByHopFieldsStayAndForwardedFieldsAreSet) {
  auto res = once(pt_port_, get_request("/p/hop?in",
                                        "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n"
                                        "TE: trailers\r\nProxy-Authorization: Basic eA==\r\nUpgrade: h2c\r\n"
                                        "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Proto: https\r\nX-End: 1\r\n"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  auto seen = backend_->last("/p/hop?in");
  for (const char* gone : {"connection", "x-hop", "keep-alive", "te", "proxy-authorization", "upgrade"})
    EXPECT_FALSE(seen.has(gone)) << gone << " reached the backend";
  EXPECT_EQ(seen.header("x-end"), "1");
  // The gateway is the edge here (trust_forwarded false): a client's claims are replaced.
  EXPECT_EQ(seen.header("x-forwarded-for"), "127.0.0.1");
  EXPECT_EQ(seen.header("x-forwarded-proto"), "http");
  EXPECT_EQ(seen.header("x-forwarded-host"), "gateway.test");
  EXPECT_EQ(seen.header("host"), "gateway.test");
  // And the backend's hop-by-hop fields do not reach the client.
  EXPECT_EQ((*res)["X-Keep"], "1");
  for (const char* gone : {"X-Drop", "Keep-Alive", "Proxy-Authenticate"})
    EXPECT_EQ(res->count(gone), 0u) << gone << " reached the client";
}

TEST_F(PassThroughTest, UpgradeAfterPassedRequestsOnOneConnection) {
  RawHttpClient c(pt_port_);
  ASSERT_TRUE(c.send(get_request("/p/echo?before-upgrade")));
  auto res = c.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  ASSERT_TRUE(c.send(upgrade_request("/api/v1/ws?token=" + token_for("u-alice"))));
  auto switched = c.read(10s, false, true);
  ASSERT_TRUE(switched);
  EXPECT_EQ(switched->result_int(), 101);
  // The greeting follows as a WebSocket text frame (unmasked, from the server).
  EXPECT_TRUE(c.read_until("WebSocket connection established"));
}

TEST_F(PassThroughTest, UpgradeAndRestCallsAtOnce) {
  auto socket = tribe_connect(pt_port_, token_for("u-bob"));
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&, t] {
      RawHttpClient c(pt_port_);
      for (int i = 0; i < 25; ++i) {
        auto body = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!c.send(post_request("/p/echo?at-once", body))) return;
        auto res = c.read();
        if (res && res->body() == body) ++ok;
      }
    });
  socket->send(R"({"event":"ping"})");
  EXPECT_EQ(socket->next(), R"({"event":"pong"})");
  for (auto& t : callers) t.join();
  EXPECT_EQ(ok.load(), 100);
  socket->send(R"({"event":"ping"})");
  EXPECT_EQ(socket->next(), R"({"event":"pong"})");
}

TEST_F(PassThroughTest, MetricsCountThePassThrough) {
  ASSERT_TRUE(once(pt_port_, get_request("/p/echo?metrics")));
  auto [status, text] = http_get(gateway_->admin_port(), "/metrics");
  EXPECT_EQ(status, 200);
  EXPECT_NE(text.find("gangway_passthrough_requests_total{app=\"pt\"}"), std::string::npos) << text;
  EXPECT_NE(text.find("gangway_passthrough_answered_total{app=\"down\",status=\"502\"}"), std::string::npos);
}

}  // namespace
}  // namespace gangway::test
