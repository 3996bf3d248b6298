// The admin port under abuse: idle and slow-loris connections, too many
// connections, oversized and malformed requests. What is asserted is that
// the port keeps answering and that every holder is eventually cut off; no
// assertion is about speed (generous waits only bound a failure).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "gateway/admin/admin_server.hpp"
#include "tests/admin/http_conn.hpp"

namespace gangway {
namespace {

using namespace std::chrono_literals;
using test::http_get;
using test::HttpConn;

std::unique_ptr<AdminServer> serve(Metrics& metrics, AdminOptions options, int& port) {
  auto admin = std::make_unique<AdminServer>(metrics, [] { return std::optional<std::string>(); }, options);
  port = admin->start("127.0.0.1", 0);
  return admin;
}

// Sends one byte of a request header every 100 ms until stopped or refused.
class Trickler {
 public:
  explicit Trickler(int port) : conn_(port), thread_([this] { run(); }) {}
  ~Trickler() {
    stop_ = true;
    thread_.join();
  }
  bool refused() const { return refused_; }
  HttpConn& conn() { return conn_; }

 private:
  void run() {
    conn_.send("GET /healthz HTTP/1.1\r\n");
    while (!stop_) {
      if (!conn_.send("X")) {
        refused_ = true;
        return;
      }
      std::this_thread::sleep_for(100ms);
    }
  }
  HttpConn conn_;
  std::atomic<bool> stop_{false}, refused_{false};
  std::thread thread_;
};

TEST(AdminAbuse, HealthAnswersWhileIdleAndSlowLorisConnectionsHoldTheirs) {
  Metrics metrics;
  AdminOptions options;
  options.request_timeout = 60s;  // nobody is cut off during the test
  options.idle_timeout = 60s;
  int port = 0;
  auto admin = serve(metrics, options, port);
  std::vector<std::unique_ptr<HttpConn>> idle;
  for (int i = 0; i < 20; ++i) idle.push_back(std::make_unique<HttpConn>(port));
  std::vector<std::unique_ptr<Trickler>> lorises;
  for (int i = 0; i < 4; ++i) lorises.push_back(std::make_unique<Trickler>(port));
  std::this_thread::sleep_for(300ms);  // let the tricklers get going

  for (int i = 0; i < 3; ++i) {
    auto health = http_get(port, "/healthz");
    EXPECT_EQ(health.status, 200) << i;
    EXPECT_EQ(health.body, "ok\n");
  }
  // ... while they all still hold their connections.
  for (auto& c : idle) EXPECT_TRUE(c->open_now());
  for (auto& t : lorises) EXPECT_FALSE(t->refused());
}

TEST(AdminAbuse, OverTheCapNewConnectionsAre503AndClosed) {
  Metrics metrics;
  AdminOptions options;
  options.max_connections = 4;
  options.request_timeout = 60s;
  options.idle_timeout = 60s;
  int port = 0;
  auto admin = serve(metrics, options, port);
  std::vector<std::unique_ptr<HttpConn>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<HttpConn>(port));
    held.back()->send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");  // served: counted for sure
    ASSERT_TRUE(held.back()->read_answer()) << i;
  }
  HttpConn over(port);
  over.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
  auto answer = over.read_answer();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 503);
  EXPECT_EQ(answer->body, "too many admin connections\n");
  EXPECT_EQ(answer->header("Connection"), "close");
  EXPECT_TRUE(over.closed_within(10s));

  held.pop_back();  // a place frees up
  EXPECT_TRUE([&] {
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (http_get(port, "/healthz").status == 200) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }());
}

TEST(AdminAbuse, PastTwiceTheCapConnectionsAreClosedWithoutAnAnswer) {
  Metrics metrics;
  AdminOptions options;
  options.max_connections = 2;
  options.request_timeout = 60s;
  options.idle_timeout = 60s;
  options.linger_timeout = 60s;  // the rejected ones stay until they close
  int port = 0;
  auto admin = serve(metrics, options, port);
  std::vector<std::unique_ptr<HttpConn>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<HttpConn>(port));
    held.back()->send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
    auto a = held.back()->read_answer();  // two served, then two 503 that linger
    ASSERT_TRUE(a) << i;
    EXPECT_EQ(a->status, i < 2 ? 200 : 503) << i;
  }
  HttpConn dropped(port);
  EXPECT_FALSE(dropped.read_answer());
  EXPECT_TRUE(dropped.closed_within(10s));
}

TEST(AdminAbuse, DeadlinesCloseIdleAndTricklingConnections) {
  Metrics metrics;
  AdminOptions options;
  options.request_timeout = 400ms;
  options.idle_timeout = 400ms;
  int port = 0;
  auto admin = serve(metrics, options, port);

  HttpConn silent(port);  // connects and never sends
  Trickler loris(port);   // sends a byte every 100 ms, never a whole request
  HttpConn kept(port);    // one request, then idle on a kept-alive connection
  kept.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_TRUE(kept.read_answer());

  EXPECT_TRUE(silent.closed_within(10s));
  EXPECT_TRUE(kept.closed_within(10s));
  EXPECT_TRUE(test::eventually_true([&] { return loris.refused(); }, 10s));
  EXPECT_EQ(http_get(port, "/healthz").status, 200);
}

TEST(AdminAbuse, OversizedAndMalformedRequestsGetTheirStatusThenAClose) {
  Metrics metrics;
  int port = 0;
  auto admin = serve(metrics, AdminOptions{}, port);  // 8 KiB of header, 2 KiB of target, 64 KiB of body
  struct Case {
    std::string request;
    int status;
  };
  const Case cases[] = {
      {"GET /healthz HTTP/1.1\r\nHost: a\r\nX-Pad: " + std::string(10'000, 'a') + "\r\n\r\n", 431},
      {"GET /healthz?" + std::string(3'000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", 414},
      {"GET /" + std::string(20'000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", 414},
      {"POST /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n" + std::string(100'000, 'b'), 413},
      {"HELLO THERE\r\n\r\n", 400},
      {"GET /healthz HTTP/1.1\r\nHost a\r\n\r\n", 400},
  };
  for (const auto& c : cases) {
    HttpConn conn(port);
    conn.send(c.request);
    auto a = conn.read_answer();
    ASSERT_TRUE(a) << c.status;
    EXPECT_EQ(a->status, c.status) << c.request.substr(0, 40);
    EXPECT_EQ(a->header("Connection"), "close") << c.status;
    EXPECT_TRUE(conn.closed_within(10s)) << c.status;
  }
  EXPECT_EQ(http_get(port, "/healthz").status, 200);
}

}  // namespace
}  // namespace gangway
