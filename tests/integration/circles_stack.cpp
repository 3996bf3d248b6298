#include "tests/integration/circles_stack.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <regex>


namespace gangway::test {

using nlohmann::json;

json circles_config(const std::string& nats_url, int backend_port, const CirclesConfigOptions& o,
                    const std::string& gateway_id) {
  json tuned = {
      {"passthrough", nullptr},
      {"options", {{"window_hours", o.window_hours}}},
      {"limits", {{"max_frame_bytes", 8192}, {"max_queued_bytes", 1 << 20}}},
  };
  if (!o.store_message_path.empty()) tuned["callouts"]["store_message"]["path"] = o.store_message_path;
  return gateway_config(nats_url, {demo_app("circles", backend_port, tuned)}, gateway_id);
}

std::string CirclesBackend::login(const std::string& username) const {
  httplib::Client cli("127.0.0.1", port_);
  json body = {{"username", username}, {"password", "password"}};
  auto res = cli.Post("/api/v1/circles/auth/login", body.dump(), "application/json");
  if (!res || res->status != 200) {
    ADD_FAILURE() << "circles login failed for " << username;
    return "";
  }
  return json::parse(res->body)["access_token"].get<std::string>();
}

namespace {

std::pair<int, json> answer(const httplib::Result& res) {
  if (!res) return {-1, nullptr};
  json body = json::parse(res->body, nullptr, false);
  return {res->status, body.is_discarded() ? json() : body};
}

}  // namespace

std::pair<int, json> CirclesBackend::post(const std::string& token, const std::string& path, const json& body) const {
  httplib::Client cli("127.0.0.1", port_);
  httplib::Headers headers = {{"Authorization", "Bearer " + token}};
  return answer(cli.Post(path.c_str(), headers, body.dump(), "application/json"));
}

std::pair<int, json> CirclesBackend::get(const std::string& token, const std::string& path) const {
  httplib::Client cli("127.0.0.1", port_);
  httplib::Headers headers = {{"Authorization", "Bearer " + token}};
  return answer(cli.Get(path.c_str(), headers));
}

json next_json(WsClient& c, std::chrono::milliseconds timeout) {
  auto f = c.next(timeout);
  if (!f) return {{"type", "<none>"}};
  json j = json::parse(*f, nullptr, false);
  return j.is_discarded() ? json{{"type", "<not json>"}, {"raw", *f}} : j;
}

json next_of_type(WsClient& c, const std::string& type, std::chrono::milliseconds timeout) {
  auto f = c.next_where("type", type, timeout);
  return f ? json::parse(*f) : json();
}

bool is_iso8601(const json& v) {
  static const std::regex re(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z)");
  return v.is_string() && std::regex_match(v.get<std::string>(), re);
}

std::unique_ptr<WsClient> circles_connect(int port, const std::string& path, const std::string& token,
                                          json* thread_info) {
  auto c = std::make_unique<WsClient>(port, path + "?token=" + token);
  EXPECT_EQ(c->handshake().http_status, 101) << path;
  json hello = next_json(*c);
  EXPECT_EQ(hello["type"], "connection_established") << path << ": " << hello.dump();
  if (path.rfind("/ws/dms/", 0) == 0) {
    json info = next_json(*c);
    EXPECT_EQ(info["type"], "thread_info") << info.dump();
    if (thread_info) *thread_info = info;
  }
  return c;
}

int circles_refused(int port, const std::string& target) {
  WsClient c(port, target);
  EXPECT_EQ(c.handshake().http_status, 101) << target << ": the seed accepts, then closes";
  EXPECT_FALSE(c.next(std::chrono::milliseconds(2000)).has_value()) << target << ": nothing before the close";
  return c.wait_closed();
}

}  // namespace gangway::test
