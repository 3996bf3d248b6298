// The admin server's routes, answers and life cycle.
#include "gateway/admin/admin_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "tests/admin/http_conn.hpp"

namespace gangway {
namespace {

using test::http_get;
using test::HttpConn;

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override { port_ = admin_.start("127.0.0.1", 0); }

  Metrics metrics_;
  std::atomic<bool> ready_{true};
  AdminServer admin_{metrics_, [this]() -> std::optional<std::string> {
                       if (ready_) return std::nullopt;
                       return "NATS is not connected";
                     }};
  int port_ = 0;
};

TEST_F(AdminServerTest, HealthReadinessAndMetricsAnswerAsBefore) {
  auto health = http_get(port_, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(health.header("Content-Type"), "text/plain");

  auto ready = http_get(port_, "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ready\n");
  ready_ = false;
  auto not_ready = http_get(port_, "/readyz");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_EQ(not_ready.body, "not ready: NATS is not connected\n");

  metrics_.app("tribe").connections = 3;
  auto metrics = http_get(port_, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  // The same text but for the process's own figures, which move between two reads.
  auto gateway_part = [](const std::string& text) { return text.substr(0, text.find("# HELP gangway_build")); };
  EXPECT_EQ(gateway_part(metrics.body), gateway_part(metrics_.render()));
  EXPECT_NE(metrics.body.find("gangway_connections_open{app=\"tribe\"} 3"), std::string::npos);

  // A scraper that offers OpenMetrics (Prometheus does) gets it.
  HttpConn c(port_);
  c.send("GET /metrics HTTP/1.1\r\nHost: a\r\nAccept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5"
         "\r\n\r\n");
  auto om = c.read_answer();
  ASSERT_TRUE(om);
  EXPECT_EQ(om->header("Content-Type"), "application/openmetrics-text; version=1.0.0; charset=utf-8");
  EXPECT_NE(om->body.find("# TYPE gangway_connections counter\n"), std::string::npos);
  EXPECT_EQ(om->body.substr(om->body.size() - 6), "# EOF\n");
}

TEST_F(AdminServerTest, UnknownPathIs404AndWrongMethodIs405) {
  auto missing = http_get(port_, "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(http_get(port_, "/healthz/").status, 404);
  EXPECT_EQ(http_get(port_, "/healthz?verbose=1").status, 200);  // the query is not part of the path

  HttpConn c(port_);
  c.send("POST /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}");
  auto wrong = c.read_answer();
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->header("Allow"), "GET");
}

TEST_F(AdminServerTest, HeadAnswersWithoutABodyAndKeepAliveServesMore) {
  HttpConn c(port_);
  c.send("HEAD /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
  auto head = c.read_answer(std::chrono::seconds(10), true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length"), "3");
  // Two pipelined requests on the same connection: answered in order, no stray body before them.
  c.send("GET /readyz HTTP/1.1\r\nHost: a\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
  auto first = c.read_answer(), second = c.read_answer();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body, "ready\n");
  EXPECT_EQ(second->body, "ok\n");
  EXPECT_TRUE(c.open_now());
}

TEST(AdminServer, AuthenticatedRoutesFailClosedAndOpenToTheAuthenticator) {
  Metrics metrics;
  AdminServer admin(metrics, [] { return std::optional<std::string>(); });
  admin.add_route("GET", "/admin/who", [](const AdminRequest& r) {
    return AdminResponse{200, "application/json", std::string(r.query), {}};
  }, AdminServer::Access::authenticated);
  admin.add_route("GET", "/open", [](const AdminRequest&) { return AdminResponse{200, "text/plain", "hi\n", {}}; });
  int port = admin.start("127.0.0.1", 0);
  auto refused = http_get(port, "/admin/who?user=1");
  EXPECT_EQ(refused.status, 401);  // no authenticator: never open
  EXPECT_EQ(refused.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(http_get(port, "/open").body, "hi\n");
  admin.stop();

  admin.set_authenticator([](const AdminRequest& r) { return r.header("authorization") == "Bearer s3cret"; });
  port = admin.start("127.0.0.1", 0);
  EXPECT_EQ(http_get(port, "/admin/who?user=1").status, 401);
  HttpConn c(port);
  c.send("GET /admin/who?user=1 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer s3cret\r\n\r\n");
  auto ok = c.read_answer();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "user=1");
}

TEST(AdminServer, AHandlerThatThrowsIsA500AndTheServerGoesOn) {
  Metrics metrics;
  AdminServer admin(metrics, [] { return std::optional<std::string>(); });
  admin.add_route("GET", "/boom", [](const AdminRequest&) -> AdminResponse { throw std::runtime_error("boom"); });
  int port = admin.start("127.0.0.1", 0);
  EXPECT_EQ(http_get(port, "/boom").status, 500);
  EXPECT_EQ(http_get(port, "/healthz").status, 200);
}

TEST(AdminServer, RefusesAPortInUseAndASecondStart) {
  Metrics metrics;
  AdminServer first(metrics, [] { return std::optional<std::string>(); });
  int port = first.start("127.0.0.1", 0);
  AdminServer second(metrics, [] { return std::optional<std::string>(); });
  EXPECT_THROW(second.start("127.0.0.1", static_cast<std::uint16_t>(port)), std::runtime_error);
  EXPECT_THROW(first.start("127.0.0.1", 0), std::runtime_error);
  EXPECT_THROW(second.start("no-such-host.invalid", 0), std::runtime_error);
  EXPECT_EQ(http_get(port, "/healthz").status, 200);
}

// A gateway stopped right after it started (a failed start-up, a test) must
// not wait forever, with or without connections open; and a stopped server
// starts again.
TEST(AdminServer, StartsAndStopsCleanlyManyTimes) {
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  std::thread([done] {
    Metrics metrics;
    for (int i = 0; i < 50; ++i) {
      AdminServer admin(metrics, [] { return std::optional<std::string>(); });
      int port = admin.start("127.0.0.1", 0);
      if (i % 10 == 0) {
        HttpConn idle(port);  // open while the server stops
        EXPECT_EQ(http_get(port, "/healthz").status, 200);
        admin.stop();
      }
    }
    AdminServer again(metrics, [] { return std::optional<std::string>(); });
    for (int i = 0; i < 5; ++i) {
      int port = again.start("127.0.0.1", 0);
      EXPECT_EQ(http_get(port, "/healthz").status, 200) << i;
      again.stop();
      again.stop();  // idempotent
    }
    done->set_value();
  }).detach();
  if (finished.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    // The stuck thread cannot be unwound: report and end the process.
    std::cerr << "AdminServer start()/stop() did not return within 60 s\n";
    std::_Exit(1);
  }
}

}  // namespace
}  // namespace gangway
