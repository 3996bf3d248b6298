#include "tests/integration/social_stack.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>

namespace gangway::test {

using nlohmann::json;

json social_config(const std::string& nats_url, int backend_port, const std::string& gateway_id) {
  json tuned = {
      {"passthrough", nullptr},
      {"allowed_origins", {kSocialOrigin}},
      {"callouts", {{"group_member", {{"cache_ttl_ms", nullptr}}}}},
      {"limits", {{"max_frame_bytes", 8192}, {"max_queued_bytes", 1 << 20}}},
  };
  return gateway_config(nats_url, {demo_app("social", backend_port, tuned)}, gateway_id);
}

namespace {

std::pair<int, json> answer(const httplib::Result& res) {
  if (!res) return {-1, nullptr};
  json body = json::parse(res->body, nullptr, false);
  return {res->status, body.is_discarded() ? json() : body};
}

httplib::Headers cookie_headers(const std::string& cookie) {
  if (cookie.empty()) return {};
  return {{"Cookie", cookie}};
}

}  // namespace

std::string SocialBackend::login(const std::string& username) const {
  httplib::Client cli("127.0.0.1", port_);
  auto res = cli.Post("/api/login", "username=" + username + "&password=password",
                      "application/x-www-form-urlencoded");
  if (!res || res->status != 200) {
    ADD_FAILURE() << "social login failed for " << username;
    return "";
  }
  std::string set_cookie = res->get_header_value("Set-Cookie");
  return set_cookie.substr(0, set_cookie.find(';'));
}

std::pair<int, json> SocialBackend::get(const std::string& cookie, const std::string& path) const {
  httplib::Client cli("127.0.0.1", port_);
  return answer(cli.Get(path.c_str(), cookie_headers(cookie)));
}

std::pair<int, json> SocialBackend::post(const std::string& cookie, const std::string& path,
                                         const std::string& body) const {
  httplib::Client cli("127.0.0.1", port_);
  return answer(cli.Post(path.c_str(), cookie_headers(cookie), body, "application/json"));
}

namespace {

bool is_sync_echo(const json& j) {
  return j.value("type", "") == "private" && j.value("content", "") == "sync";
}

json next_frame(WsClient& c, std::chrono::milliseconds timeout) {
  auto f = c.next(timeout);
  if (!f) return {{"type", "<none>"}};
  json j = json::parse(*f, nullptr, false);
  return j.is_discarded() ? json{{"type", "<not json>"}, {"raw", *f}} : j;
}

}  // namespace

json social_next(WsClient& c, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    json j = next_frame(c, std::max(left, std::chrono::milliseconds(0)));
    if (!is_sync_echo(j)) return j;
  }
}

bool social_quiet(WsClient& c, std::chrono::milliseconds quiet) {
  return social_next(c, quiet)["type"] == "<none>";
}

std::unique_ptr<WsClient> social_connect(int port, const std::string& cookie, int self_id,
                                         const std::string& origin) {
  WsClient::Headers headers{{"Cookie", cookie}};
  if (!origin.empty()) headers.emplace_back("Origin", origin);
  auto c = std::make_unique<WsClient>(port, "/ws", headers);
  EXPECT_EQ(c->handshake().http_status, 101);
  if (c->handshake().http_status != 101) return c;
  c->send(json{{"type", "private"}, {"to", self_id}, {"content", "sync"}}.dump());
  json echo = next_frame(*c, std::chrono::seconds(5));
  EXPECT_EQ(echo["type"], "private") << "the socket's own user room did not work: " << echo.dump();
  EXPECT_EQ(echo["content"], "sync");
  return c;
}

}  // namespace gangway::test
