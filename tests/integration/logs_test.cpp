// The gateway's log, from the real binary across a run an operator would see:
// startup (what listens where), an Origin refusal, NATS down and back, and
// SIGTERM's drain. Every line is one JSON object with ts, level and msg, and
// app, conn and user where known; no token ever. And --log-level, and a start
// that fails, in the same format on stderr.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/stack.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Each line of the log as JSON; a line that is not one fails the test.
std::vector<json> lines_of(const std::string& log) {
  std::vector<json> lines;
  std::istringstream in(log);
  static const std::regex rfc3339(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)");
  for (std::string line; std::getline(in, line);) {
    auto j = json::parse(line, nullptr, false);
    if (!j.is_object()) {
      ADD_FAILURE() << "not a JSON object: " << line;
      continue;
    }
    EXPECT_TRUE(j.contains("ts") && j["ts"].is_string() && std::regex_match(j["ts"].get<std::string>(), rfc3339))
        << line;
    static const std::set<std::string> levels = {"debug", "info", "warn", "error"};
    EXPECT_TRUE(j.contains("level") && j["level"].is_string() && levels.count(j["level"].get<std::string>()))
        << line;
    EXPECT_TRUE(j.contains("msg") && j["msg"].is_string()) << line;
    lines.push_back(std::move(j));
  }
  return lines;
}

std::vector<json> with_msg(const std::vector<json>& lines, const std::string& msg) {
  std::vector<json> found;
  for (const auto& l : lines)
    if (l["msg"] == msg) found.push_back(l);
  return found;
}

// The log's lines once `count` of them say `msg` (or the last read, after 30 s).
std::vector<json> wait_for(GatewayProcess& gw, const std::string& msg, std::size_t count = 1) {
  std::string log;
  for (int i = 0; i < 300; ++i) {
    log = gw.log();
    std::size_t seen = 0;
    for (auto at = log.find("\"msg\":\"" + msg + "\""); at != std::string::npos; at = log.find("\"msg\":\"" + msg + "\"", at + 1))
      ++seen;
    if (seen >= count) break;
    std::this_thread::sleep_for(100ms);
  }
  auto lines = lines_of(log);
  EXPECT_GE(with_msg(lines, msg).size(), count) << "no \"" << msg << "\" in:\n" << log;
  return lines;
}

TEST(Logs, ARunFromStartToDrainIsLoggedAsJsonLines) {
  NatsServer nats;
  DemoBackend backend(nats.url());
  auto config = tribe_config(nats.url(), backend.port());
  config["apps"][0]["allowed_origins"] = {"https://app.example"};
  GatewayProcess gw(config);

  // Startup: what listens where.
  auto lines = wait_for(gw, "gangway listening");
  auto listening = with_msg(lines, "listening");
  ASSERT_EQ(listening.size(), 1u);
  EXPECT_EQ(listening[0]["app"], "tribe");
  EXPECT_EQ(listening[0]["listen"], "127.0.0.1:" + std::to_string(gw.port()));
  EXPECT_EQ(listening[0]["dialect"], "tribe");
  auto admin = with_msg(lines, "admin listening");
  ASSERT_EQ(admin.size(), 1u);
  EXPECT_EQ(admin[0]["listen"], "127.0.0.1:" + std::to_string(gw.admin_port()));
  auto summary = with_msg(lines, "gangway listening").at(0);
  EXPECT_EQ(summary["ports"], json::array({gw.port()}));
  EXPECT_EQ(summary["nats"], nats.url());

  // A refusal: its reason class, never the token.
  auto token = backend.login("alice");
  {
    WsClient evil(gw.port(), "/api/v1/ws?token=" + token, {{"Origin", "https://evil.example"}});
    EXPECT_EQ(evil.handshake().http_status, 403);
  }
  lines = wait_for(gw, "upgrade refused");
  auto refusal = with_msg(lines, "upgrade refused").at(0);
  EXPECT_EQ(refusal["level"], "info");
  EXPECT_EQ(refusal["app"], "tribe");
  EXPECT_TRUE(refusal["conn"].is_string());
  EXPECT_EQ(refusal["reason"], "origin_refused");
  EXPECT_EQ(refusal["status"], 403);
  EXPECT_EQ(refusal["origin"], "https://evil.example");
  EXPECT_EQ(refusal["path"], "/api/v1/ws");

  // A socket that stays, for the drain.
  auto alice = tribe_connect(gw.port(), token);

  // NATS down and back: both connections say so.
  auto connected_before = with_msg(lines_of(gw.log()), "nats connected").size();
  nats.restart();
  lines = wait_for(gw, "nats connected", connected_before + 2);
  auto down = with_msg(lines, "nats disconnected");
  ASSERT_EQ(down.size(), 2u);
  EXPECT_EQ(down[0]["level"], "warn");
  std::set<std::string> connections;
  for (const auto& l : down) connections.insert(l["connection"]);
  EXPECT_EQ(connections, (std::set<std::string>{"main", "no_echo"}));
  EXPECT_TRUE(down[0]["why"].is_string());
  auto [status, metrics] = http_get(gw.admin_port(), "/metrics");
  EXPECT_NE(metrics.find("gangway_nats_reconnects_total{connection=\"main\"} 1\n"), std::string::npos) << metrics;

  // SIGTERM: the drain and its summary.
  int exit = gw.process().stop(std::chrono::seconds(15));
  EXPECT_TRUE(WIFEXITED(exit) && WEXITSTATUS(exit) == 0);
  EXPECT_EQ(alice->wait_closed(), 1001);
  lines = lines_of(gw.log());
  auto draining = with_msg(lines, "draining");
  ASSERT_EQ(draining.size(), 1u);
  EXPECT_EQ(draining[0]["signal"], "Terminated");
  auto drained = with_msg(lines, "drained");
  ASSERT_EQ(drained.size(), 1u);
  EXPECT_EQ(drained[0]["sockets"], 1);
  EXPECT_EQ(drained[0]["closed"], 1);
  EXPECT_EQ(drained[0]["still_open"], 0);
  EXPECT_EQ(gw.log().find(token), std::string::npos) << "a token in the log";
}

TEST(Logs, TheLevelLeavesOutWhatIsBelowIt) {
  NatsServer nats;
  DemoBackend backend(nats.url());
  auto config = tribe_config(nats.url(), backend.port());
  config["apps"][0]["allowed_origins"] = {"https://app.example"};
  GatewayProcess gw(config, {"--log-level", "warn"});
  {
    WsClient evil(gw.port(), "/api/v1/ws?token=x", {{"Origin", "https://evil.example"}});
    EXPECT_EQ(evil.handshake().http_status, 403);  // an info line, left out
  }
  nats.restart();  // a warn line, kept
  auto lines = wait_for(gw, "nats disconnected");
  gw.process().stop(std::chrono::seconds(15));
  lines = lines_of(gw.log());
  for (const auto& l : lines) EXPECT_TRUE(l["level"] == "warn" || l["level"] == "error") << l.dump();
  EXPECT_TRUE(with_msg(lines, "upgrade refused").empty());
  EXPECT_TRUE(with_msg(lines, "gangway listening").empty());
}

TEST(Logs, AStartThatFailsSaysWhyOnStderrInTheSameFormat) {
  TempDir dir;
  std::ofstream(dir.path() + "/gangway.json") << "{\"apps\": [}";
  ChildProcess gw({GANGWAY_BIN, "--config", dir.path() + "/gangway.json"}, dir.path() + "/gangway.log");
  auto status = gw.wait(30s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1);
  std::ifstream in(dir.path() + "/gangway.log");
  std::stringstream ss;
  ss << in.rdbuf();
  auto lines = lines_of(ss.str());
  ASSERT_EQ(lines.size(), 1u) << ss.str();
  EXPECT_EQ(lines[0]["level"], "error");
  EXPECT_EQ(lines[0]["msg"], "cannot start");
  EXPECT_EQ(lines[0]["error"].get<std::string>().rfind("config is not valid JSON: line 1, column 11: ", 0), 0u)
      << lines[0].dump();
}

}  // namespace
}  // namespace gangway::test
