// /metrics of a running gateway after an upgrade, a callout and an event
// delivered, read by Prometheus's own Python parsers in both formats
// (tests/integration/check_metrics.py): names that OpenMetrics accepts, the
// latency histograms, process_* metrics, the build and NATS counters.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/wait.h>

#include <fstream>

#include "tests/integration/stack.hpp"

namespace gangway::test {
namespace {

using namespace std::chrono_literals;

std::string fetch(int port, const char* accept) {
  httplib::Client cli("127.0.0.1", port);
  httplib::Headers headers;
  if (accept) headers.emplace("Accept", accept);
  auto res = cli.Get("/metrics", headers);
  if (!res || res->status != 200) {
    ADD_FAILURE() << "GET /metrics failed";
    return "";
  }
  return res->body;
}

// check_metrics.py on the two texts: its exit code, its report in `report`.
int check(const std::string& prometheus, const std::string& openmetrics, std::string* report) {
  TempDir dir;
  std::ofstream(dir.path() + "/prometheus.txt") << prometheus;
  std::ofstream(dir.path() + "/openmetrics.txt") << openmetrics;
  std::string command = PYTHON3_BIN " " GANGWAY_SOURCE_DIR "/tests/integration/check_metrics.py " + dir.path() +
                        "/prometheus.txt " + dir.path() + "/openmetrics.txt >" + dir.path() + "/report 2>&1";
  int status = std::system(command.c_str());
  std::ifstream in(dir.path() + "/report");
  report->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Metrics, PrometheusParsersReadTheGatewaysMetrics) {
  NatsServer nats;
  DemoBackend backend(nats.url());
  GatewayProcess gw(tribe_config(nats.url(), backend.port()));
  auto token = backend.login("alice");
  auto alice = tribe_connect(gw.port(), token);  // an upgrade
  alice->send(R"({"event":"subscribe","channel":"conversation","conversation_id":"c-general"})");  // a callout
  ASSERT_TRUE(alice->next_where("event", "subscribed", 10s));
  // An event from NATS to the socket (from bob: the sender's own sockets are left out).
  ASSERT_EQ(backend.post_message(backend.login("bob"), "c-general", "measured"), 201);
  ASSERT_TRUE(alice->next_where("event", "message.new", 10s));
  // The pong is written after the event's write completed: its observation is made.
  alice->send(R"({"event":"ping"})");
  ASSERT_TRUE(alice->next_where("event", "pong", 10s));

  auto openmetrics = fetch(gw.admin_port(), "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
  auto prometheus = fetch(gw.admin_port(), nullptr);
  std::string report;
  EXPECT_EQ(check(prometheus, openmetrics, &report), 0) << report << "\n--- OpenMetrics:\n" << openmetrics;
}

// The parsers refuse what the gateway used to serve: a gauge
// gangway_connections beside the counter gangway_connections_total.
TEST(Metrics, TheCheckRefusesTheOldNameClash) {
  std::string clash =
      "# HELP gangway_connections Open WebSocket connections.\n# TYPE gangway_connections gauge\n"
      "gangway_connections{app=\"tribe\"} 1\n"
      "# HELP gangway_connections_total WebSocket connections accepted.\n"
      "# TYPE gangway_connections_total counter\ngangway_connections_total{app=\"tribe\"} 1\n# EOF\n";
  std::string report;
  EXPECT_EQ(check(clash, clash, &report), 1) << report;
  EXPECT_NE(report.find("OpenMetrics: the parser refused /metrics"), std::string::npos) << report;
}

}  // namespace
}  // namespace gangway::test
