#include "tests/integration/winkr_stack.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <ctime>

namespace gangway::test {

using nlohmann::json;

json winkr_config(const std::string& nats_url, int backend_port, const json& limits,
                  const std::string& gateway_id) {
  json tuned = {
      {"passthrough", nullptr},
      // The seed's own token source, the bearer header only (the demo adds ?token=
      // for its browser page, which cannot set a header on a WebSocket).
      {"token_sources", nullptr},
      {"callouts", {{"conversation_access", {{"cache_ttl_ms", nullptr}}}}},
  };
  if (!limits.empty()) tuned["limits"] = limits;
  return gateway_config(nats_url, {demo_app("winkr", backend_port, tuned)}, gateway_id);
}

json winkr_relaxed_limits() {
  return {{"max_connections_per_user", 100},
          {"connections_per_minute", 1000},
          {"rates", {{"message", {{1000, 60}}}, {"typing", {{1000, 60}}}}}};
}

std::string winkr_token(const std::string& user_id) {
  std::int64_t now = std::time(nullptr);
  return mint_token({{"sub", user_id}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", now + 600}});
}

std::unique_ptr<WsClient> winkr_connect(int port, const std::string& token) {
  auto c = std::make_unique<WsClient>(port, "/ws", WsClient::Headers{{"Authorization", "Bearer " + token}});
  EXPECT_EQ(c->handshake().http_status, 101);
  auto hello = parse_frame(c->next());
  EXPECT_EQ(hello.value("event", ""), "connection:established") << hello;
  return c;
}

json parse_frame(const std::optional<std::string>& frame) {
  if (!frame) return json(json::value_t::discarded);
  return json::parse(*frame, nullptr, false);
}

json next_event(WsClient& c, const std::string& event, std::chrono::milliseconds timeout) {
  auto f = c.next_where("event", event, timeout);
  return f ? json::parse(*f, nullptr, false) : json();
}

std::map<std::string, json> collect_events(WsClient& c, const std::vector<std::string>& events,
                                           std::chrono::milliseconds timeout) {
  std::map<std::string, json> seen;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (seen.size() < events.size()) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    json j = parse_frame(c.next(left));
    if (j.is_discarded()) break;
    std::string event = j.value("event", "");
    if (std::find(events.begin(), events.end(), event) != events.end()) seen.emplace(event, std::move(j));
  }
  return seen;
}

std::string winkr_frame(const std::string& event, const json& data) {
  return json{{"event", event}, {"data", data}}.dump();
}

std::pair<int, json> backend_call(int port, const std::string& method, const std::string& path,
                                  const std::string& token, const json& body) {
  httplib::Client cli("127.0.0.1", port);
  httplib::Headers headers = {{"Authorization", "Bearer " + token}};
  httplib::Result res = method == "GET" ? cli.Get(path.c_str(), headers)
                                        : cli.Post(path.c_str(), headers, body.is_null() ? "" : body.dump(),
                                                   "application/json");
  if (!res) return {-1, nullptr};
  return {res->status, json::parse(res->body, nullptr, false)};
}

}  // namespace gangway::test
