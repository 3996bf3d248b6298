#pragma once
// The pass-through tests' stack: the real gateway (four apps) in front of a
// backend that shows what crossed it (tests/support/raw_http_backend.hpp),
// and a strict HTTP client (passthrough_test.cpp, passthrough_failures_test.cpp).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/stack.hpp"
#include "tests/support/raw_http_backend.hpp"
#include "tests/support/raw_http_client.hpp"

namespace gangway::test {

using json = nlohmann::json;
using namespace std::chrono_literals;  // NOLINT: the tests' timeouts

inline json tribe_app(const std::string& name, int port, const std::string& backend_url, json passthrough) {
  json app = {{"name", name},
              {"dialect", "tribe"},
              {"listen", "127.0.0.1:" + std::to_string(port)},
              {"routes", {"/api/v1/ws"}},
              {"jwt", {{"keys", {{{"alg", "HS256"}, {"secret", kSecret}}}}, {"issuer", "gangway-demo"}, {"audience", "gangway"}}},
              {"backend", {{"url", backend_url}, {"threads", 1}}},
              {"callouts",
               {{"conversation_participant",
                 {{"path", "/internal/tribe/conversations/{conversation_id}/participants/{user_id}"}}}}}};
  if (!passthrough.is_null()) app["passthrough"] = passthrough;
  return app;
}

inline std::string token_for(const std::string& user) {
  return mint_token({{"sub", user}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", std::time(nullptr) + 600}});
}

inline std::string upgrade_request(const std::string& target) {
  return get_request(target,
                     "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
}

// A listener that never accepts, its accept queue filled: the kernel drops
// further SYNs, so a connect to it neither succeeds nor fails.
class StuckListener {
 public:
  StuckListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd_, 0) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      ADD_FAILURE() << "stuck listener";
    port_ = ntohs(a.sin_port);
    for (int i = 0; i < 3; ++i) {  // non-blocking: the later ones never complete
      int c = ::socket(AF_INET, SOCK_STREAM, 0);
      ::fcntl(c, F_SETFL, O_NONBLOCK);
      ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
      fillers_.push_back(c);
    }
  }
  ~StuckListener() {
    for (int c : fillers_) ::close(c);
    ::close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

// True once `done()` holds, polled for up to `timeout` (no sleep stands in
// for an event the test can see).
template <class Done>
bool eventually(Done done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// One gateway, five apps: "pt" passes /p/ through to the test backend
// (limits small enough to test), "plain" has no pass-through, "down" passes
// everything to a port where nothing listens, "stuck" to one that never
// completes a connection, "patient" passes /p/ with timeouts far beyond any
// wait of a test (what ends an exchange there is not a timeout).
class PassThroughTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    backend_ = std::make_unique<RawHttpBackend>();
    stuck_ = std::make_unique<StuckListener>();
    pt_port_ = free_port();
    plain_port_ = free_port();
    down_port_ = free_port();
    stuck_port_ = free_port();
    patient_port_ = free_port();
    json passthrough = {{"enabled", true},        {"prefixes", {"/p/"}},          {"read_timeout_ms", 1000},
                        {"connect_timeout_ms", 1000}, {"max_header_bytes", 8192}, {"max_body_bytes", 2 << 20}};
    json config = {{"gateway_id", "gw-pt"},
                   {"threads", 2},
                   {"nats", {{"enabled", false}}},
                   {"admin", {{"listen", "127.0.0.1:" + std::to_string(free_port())}}},
                   {"apps",
                    {tribe_app("pt", pt_port_, backend_->url(), passthrough),
                     tribe_app("plain", plain_port_, backend_->url(), nullptr),
                     tribe_app("down", down_port_, "http://127.0.0.1:" + std::to_string(free_port()), true),
                     tribe_app("stuck", stuck_port_, "http://127.0.0.1:" + std::to_string(stuck_->port()),
                               {{"connect_timeout_ms", 300}}),
                     tribe_app("patient", patient_port_, backend_->url(),
                               {{"prefixes", {"/p/"}}, {"read_timeout_ms", 120000}, {"client_timeout_ms", 120000}})}}};
    gateway_ = std::make_unique<GatewayProcess>(config);
    wait_for_port(plain_port_);
    wait_for_port(down_port_);
    wait_for_port(stuck_port_);
    wait_for_port(patient_port_);
  }
  static void TearDownTestSuite() {
    gateway_.reset();
    backend_.reset();
    stuck_.reset();
  }

  // One request on a fresh connection.
  static std::optional<RawResponse> once(int port, const std::string& request, bool head = false) {
    RawHttpClient c(port);
    if (!c.send(request)) return std::nullopt;
    return c.read(10s, head);
  }

  // The value of one /metrics series (`series` as printed, labels and all); -1 if absent.
  static double metric(const std::string& series) {
    auto [status, text] = http_get(gateway_->admin_port(), "/metrics");
    auto at = text.find("\n" + series + " ");
    if (status != 200 || at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
  }

  inline static std::unique_ptr<RawHttpBackend> backend_;
  inline static std::unique_ptr<GatewayProcess> gateway_;
  inline static std::unique_ptr<StuckListener> stuck_;
  inline static int pt_port_ = 0, plain_port_ = 0, down_port_ = 0, stuck_port_ = 0, patient_port_ = 0;
};

inline std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

}  // namespace gangway::test
