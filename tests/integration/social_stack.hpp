#pragma once
// Helpers for the social (seed 003) integration tests: the app's config, the
// demo backend's cookie login and HTTP API, and sockets that are known to be
// in their rooms.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "tests/integration/stack.hpp"

namespace gangway::test {

inline constexpr const char* kSocialOrigin = "http://social.example";

// A social app like deploy/gangway.demo.json's, on free ports; Origin
// kSocialOrigin is the only one allowed.
nlohmann::json social_config(const std::string& nats_url, int backend_port,
                             const std::string& gateway_id = "gw-social");

// The demo backend's social endpoints. Users: 1 admin (is_admin), 2 alice,
// 3 bob, 4 carol. Groups: 1 Developers (alice, bob), 2 Designers (alice,
// carol; bob pending).
class SocialBackend {
 public:
  explicit SocialBackend(int port) : port_(port) {}
  // POST /api/login (form); the Cookie header value "session_id=…" ("" and a test failure if refused).
  std::string login(const std::string& username) const;
  // Requests with the Cookie header (none if `cookie` is empty); status and parsed body (null if none).
  std::pair<int, nlohmann::json> get(const std::string& cookie, const std::string& path) const;
  std::pair<int, nlohmann::json> post(const std::string& cookie, const std::string& path,
                                      const std::string& body) const;

 private:
  int port_;
};

// Opens ws://127.0.0.1:port/ws with the cookie (and Origin, if not empty),
// expects 101, then sends a private message to `self_id` and waits for it:
// once it is back, the socket's rooms are live on NATS.
std::unique_ptr<WsClient> social_connect(int port, const std::string& cookie, int self_id,
                                         const std::string& origin = kSocialOrigin);

// The next parsed frame other than a social_connect() "sync" echo (which a
// user's other sockets also receive), or {"type": "<none>"} if nothing came in time.
nlohmann::json social_next(WsClient& c, std::chrono::milliseconds timeout = std::chrono::seconds(5));
// True if nothing but "sync" echoes arrives within `quiet`.
bool social_quiet(WsClient& c, std::chrono::milliseconds quiet = std::chrono::milliseconds(400));

}  // namespace gangway::test
