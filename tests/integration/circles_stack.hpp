#pragma once
// Helpers for the circles (seed 000) integration tests: the app's config, the
// demo backend's circles endpoints, and sockets that read their greeting.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "tests/integration/stack.hpp"

namespace gangway::test {

struct CirclesConfigOptions {
  int window_hours = 12;
  std::string store_message_path;  // empty: the demo's
};

// A circles app like deploy/gangway.demo.json's, on free ports.
nlohmann::json circles_config(const std::string& nats_url, int backend_port, const CirclesConfigOptions& o = {},
                              const std::string& gateway_id = "gw-circles");

// The demo backend's circles REST endpoints.
class CirclesBackend {
 public:
  explicit CirclesBackend(int port) : port_(port) {}
  // POST /api/v1/circles/auth/login; the access token ("" and a test failure if refused).
  std::string login(const std::string& username) const;
  // A JSON request with the bearer token; the status and the parsed body (null if none).
  std::pair<int, nlohmann::json> post(const std::string& token, const std::string& path,
                                      const nlohmann::json& body) const;
  std::pair<int, nlohmann::json> get(const std::string& token, const std::string& path) const;

 private:
  int port_;
};

// The parsed frame, or an object with "type": "<none>" if nothing came.
nlohmann::json next_json(WsClient& c, std::chrono::milliseconds timeout = std::chrono::seconds(5));
// Skips frames until one of `type`; null if none came.
nlohmann::json next_of_type(WsClient& c, const std::string& type,
                            std::chrono::milliseconds timeout = std::chrono::seconds(5));

// True for "2025-01-05T10:00:00Z" or with milliseconds.
bool is_iso8601(const nlohmann::json& v);

// Opens ws://127.0.0.1:port<path>?token=…; expects 101 and connection_established
// (and, on a DM socket, thread_info, returned through `thread_info` if given).
std::unique_ptr<WsClient> circles_connect(int port, const std::string& path, const std::string& token,
                                          nlohmann::json* thread_info = nullptr);

// Opens the socket and expects the server to accept and then close it with `code`.
int circles_refused(int port, const std::string& target);

}  // namespace gangway::test
