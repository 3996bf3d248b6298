#include "tests/integration/stack.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <sstream>

#include "tests/support/token_factory.hpp"

namespace gangway::test {

DemoBackend::DemoBackend(const std::string& nats_url) : port_(free_port()) {
  proc_ = ChildProcess({DEMO_BACKEND_BIN, "--listen", "127.0.0.1:" + std::to_string(port_), "--nats", nats_url,
                        "--jwt-secret", kSecret, "--issuer", "gangway-demo", "--audience", "gangway"},
                       dir_.path() + "/backend.log");
  if (!wait_for_port(port_)) ADD_FAILURE() << "demo backend did not start";
}

std::string DemoBackend::login(const std::string& username) {
  httplib::Client cli("127.0.0.1", port_);
  nlohmann::json body = {{"username", username}, {"password", "password"}};
  auto res = cli.Post("/api/v1/auth/login", body.dump(), "application/json");
  if (!res || res->status != 200) {
    ADD_FAILURE() << "login failed for " << username;
    return "";
  }
  return nlohmann::json::parse(res->body)["access_token"].get<std::string>();
}

int DemoBackend::post_message(const std::string& token, const std::string& conversation,
                              const std::string& content) {
  httplib::Client cli("127.0.0.1", port_);
  httplib::Headers headers = {{"Authorization", "Bearer " + token}};
  nlohmann::json body = {{"content", content}};
  auto res = cli.Post(("/api/v1/conversations/" + conversation + "/messages").c_str(), headers, body.dump(),
                      "application/json");
  return res ? res->status : -1;
}

GatewayProcess::GatewayProcess(const nlohmann::json& given, const std::vector<std::string>& args) {
  nlohmann::json config = given;
  // A test's gateway stops at once (no load balancer to wait for) and soon:
  // ChildProcess::stop waits 5 s. Tests of the drain itself set their own.
  if (!config.contains("drain")) config["drain"] = {{"grace_s", 4}, {"refuse_after_s", 0}, {"flush_s", 2}};
  // An event is dropped once it waited delivery.max_delay_ms (500 by
  // default): on a loaded test machine a loop may stall that long, and a test
  // of something else would lose its event. Tests of the bound set their own.
  if (!config.contains("delivery")) config["delivery"] = {{"max_delay_ms", 60'000}};
  auto path = dir_.path() + "/gangway.json";
  std::ofstream(path) << config.dump(2);
  std::string listen = config["apps"][0]["listen"];
  port_ = std::stoi(listen.substr(listen.rfind(':') + 1));
  std::string admin = config.value("/admin/listen"_json_pointer, std::string("127.0.0.1:0"));
  admin_port_ = std::stoi(admin.substr(admin.rfind(':') + 1));
  std::vector<std::string> argv = {GANGWAY_BIN, "--config", path};
  argv.insert(argv.end(), args.begin(), args.end());
  proc_ = ChildProcess(argv, dir_.path() + "/gangway.log");
  if (!wait_for_port(port_)) ADD_FAILURE() << "gateway did not start:\n" << log();
  // The admin port opens after the app ports: a test's first admin request
  // must not race it.
  if (admin_port_ != 0 && !wait_for_port(admin_port_)) ADD_FAILURE() << "admin port did not open:\n" << log();
}

std::string GatewayProcess::log() const {
  std::ifstream in(dir_.path() + "/gangway.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

// Tests tune what a shared machine needs (smaller frames and queues so a limit
// is quick to reach, callouts uncached because tests change memberships
// between two requests, no pass-through where a test expects the gateway's own
// answer to a plain request) and leave the rest as the demo ships it.
const nlohmann::json& demo_config() {
  static const nlohmann::json config = [] {
    std::ifstream in(std::string(GANGWAY_SOURCE_DIR) + "/deploy/gangway.demo.json");
    return nlohmann::json::parse(in);
  }();
  return config;
}

}  // namespace

nlohmann::json demo_app(const std::string& dialect, int backend_port, const nlohmann::json& patch) {
  nlohmann::json app;
  for (const auto& a : demo_config()["apps"])
    if (a["dialect"] == dialect) app = a;
  if (app.is_null()) {
    ADD_FAILURE() << "deploy/gangway.demo.json has no " << dialect << " app";
    return app;
  }
  app["listen"] = "127.0.0.1:" + std::to_string(free_port());
  app["backend"]["url"] = "http://127.0.0.1:" + std::to_string(backend_port);
  app["backend"]["threads"] = 2;
  if (app.contains("jwt"))
    for (auto& key : app["jwt"]["keys"]) key = {{"alg", key["alg"]}, {"secret", kSecret}};
  app.merge_patch(patch);
  return app;
}

nlohmann::json gateway_config(const std::string& nats_url, const std::vector<nlohmann::json>& apps,
                              const std::string& gateway_id) {
  return {{"gateway_id", gateway_id},
          {"threads", 2},
          {"nats", {{"url", nats_url}}},
          {"admin", {{"listen", "127.0.0.1:" + std::to_string(free_port())}}},
          {"apps", apps}};
}

nlohmann::json tribe_config(const std::string& nats_url, int backend_port, const std::string& gateway_id) {
  nlohmann::json tuned = {
      {"passthrough", nullptr},
      {"callouts", {{"conversation_participant", {{"cache_ttl_ms", nullptr}}}}},
      {"limits", {{"max_frame_bytes", 4096}, {"max_queued_bytes", 1 << 20}}},
  };
  return gateway_config(nats_url, {demo_app("tribe", backend_port, tuned)}, gateway_id);
}

std::string mint_token(const nlohmann::json& claims, const std::string& secret) {
  return mint_libjwt("HS256", secret, claims);
}

std::pair<int, std::string> http_get(int port, const std::string& path) {
  httplib::Client cli("127.0.0.1", port);
  auto res = cli.Get(path.c_str());
  if (!res) return {-1, ""};
  return {res->status, res->body};
}

std::unique_ptr<WsClient> tribe_connect(int port, const std::string& token) {
  auto c = std::make_unique<WsClient>(port, "/api/v1/ws?token=" + token);
  EXPECT_EQ(c->handshake().http_status, 101);
  auto hello = c->next();
  EXPECT_TRUE(hello.has_value());
  if (hello) {
    EXPECT_EQ(*hello, R"({"event":"connected","message":"WebSocket connection established"})");
  }
  return c;
}

}  // namespace gangway::test
