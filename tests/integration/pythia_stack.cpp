#include "tests/integration/pythia_stack.hpp"

#include <gtest/gtest.h>
#include <httplib.h>


namespace gangway::test {

using nlohmann::json;

json pythia_config(const std::string& nats_url, int backend_port, const std::string& gateway_id,
                   const json& options) {
  json app = demo_app("pythia", backend_port,
                      {{"passthrough", nullptr},
                       {"callouts", {{"channel_access", {{"cache_ttl_ms", nullptr}}}}},
                       {"limits", {{"max_frame_bytes", 4096}, {"max_queued_bytes", 1 << 20}}}});
  app["options"] = options;  // each test's own, whole
  return gateway_config(nats_url, {app}, gateway_id);
}

std::unique_ptr<WsClient> pythia_connect(int port, const std::string& token, const std::string& user_id,
                                         const std::string& username, std::string* established) {
  auto c = std::make_unique<WsClient>(port, "/ws?token=" + token);
  EXPECT_EQ(c->handshake().http_status, 101);
  auto hello = c->next();
  EXPECT_TRUE(hello.has_value()) << "no connection_established";
  if (!hello) return c;
  if (established) *established = *hello;
  auto j = json::parse(*hello, nullptr, false);
  EXPECT_EQ(j.value("type", ""), "connection_established") << *hello;
  if (!user_id.empty()) {
    EXPECT_EQ(j.value("user_id", ""), user_id);
  }
  if (!username.empty()) {
    EXPECT_EQ(j.value("username", ""), username);
  }
  return c;
}

std::optional<json> next_of(WsClient& c, const std::string& type,
                            const std::function<bool(const json&)>& match,
                            std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto f = c.next_where("type", type, left);
    if (!f) return std::nullopt;
    auto j = json::parse(*f);
    if (!match || match(j)) return j;
  }
}

bool none_of(WsClient& c, const std::string& type, const std::function<bool(const json&)>& match,
             std::chrono::milliseconds quiet) {
  auto unwanted = next_of(c, type, match, quiet);
  if (unwanted) ADD_FAILURE() << "unexpected frame: " << unwanted->dump();
  return !unwanted;
}

RestReply rest_post(int backend_port, const std::string& token, const std::string& path, const json& body) {
  httplib::Client cli("127.0.0.1", backend_port);
  httplib::Headers headers = {{"Authorization", "Bearer " + token}};
  auto res = cli.Post(path.c_str(), headers, body.dump(), "application/json");
  if (!res) return {};
  return {res->status, json::parse(res->body, nullptr, false)};
}

}  // namespace gangway::test
