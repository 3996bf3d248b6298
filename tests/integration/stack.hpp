#pragma once
// The real processes an integration test runs against, each on free loopback
// ports and stopped by PID: nats-server, the demo backend, gateways.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/process.hpp"
#include "tests/support/ws_client.hpp"

namespace gangway::test {

inline constexpr const char* kSecret = "integration-test-secret-0123456789";

class DemoBackend {
 public:
  explicit DemoBackend(const std::string& nats_url);
  int port() const { return port_; }
  std::string login(const std::string& username);  // the access token
  // POST /api/v1/conversations/{id}/messages as the token's user; the HTTP status.
  int post_message(const std::string& token, const std::string& conversation, const std::string& content);
  ChildProcess& process() { return proc_; }

 private:
  TempDir dir_;
  int port_;
  ChildProcess proc_;
};

class GatewayProcess {
 public:
  // Starts `gangway --config` with `config` (and `args`, e.g. {"--log-level", "warn"}); waits for its first app port.
  explicit GatewayProcess(const nlohmann::json& config, const std::vector<std::string>& args = {});
  int port() const { return port_; }
  int admin_port() const { return admin_port_; }
  ChildProcess& process() { return proc_; }
  std::string log() const;

 private:
  TempDir dir_;
  int port_;
  int admin_port_;
  ChildProcess proc_;
};

// One nats-server, demo backend and gateway per test suite, shared by its
// tests (a stack per test would triple the suite's time). CRTP: the fixture
// supplies `static nlohmann::json config(const std::string& nats_url, int backend_port)`.
template <class Fixture>
class SuiteStack : public ::testing::Test {
 protected:
  // gtest reports every test of a suite whose SetUpTestSuite failed as
  // skipped, which ctest counts as no failure: the stack's start-up failures
  // are kept here and fail each test instead (SetUp).
  static void SetUpTestSuite() {
    ::testing::TestPartResultArray failures;
    {
      ::testing::ScopedFakeTestPartResultReporter intercept(
          ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, &failures);
      nats_ = std::make_unique<NatsServer>();
      backend_ = std::make_unique<DemoBackend>(nats_->url());
      gateway_ = std::make_unique<GatewayProcess>(Fixture::config(nats_->url(), backend_->port()));
    }
    start_failures_.clear();
    for (int i = 0; i < failures.size(); ++i) start_failures_ += failures.GetTestPartResult(i).message() + std::string("\n");
  }
  void SetUp() override {
    if (!start_failures_.empty()) FAIL() << "the suite's stack did not start:\n" << start_failures_;
  }
  static void TearDownTestSuite() {
    gateway_.reset();
    backend_.reset();
    nats_.reset();
  }
  static int port() { return gateway_->port(); }
  static int backend_port() { return backend_->port(); }
  static std::string nats_url() { return nats_->url(); }
  static std::string token(const std::string& user) { return backend_->login(user); }  // the demo password

  inline static std::unique_ptr<NatsServer> nats_;
  inline static std::unique_ptr<DemoBackend> backend_;
  inline static std::unique_ptr<GatewayProcess> gateway_;
  inline static std::string start_failures_;
};

// The one place an integration test's config comes from. A test runs the
// app exactly as deploy/gangway.demo.json ships it (routes, callouts, stores,
// options, session and token rules), on a free port in front of the demo
// backend at `backend_port`, its JWT keys the test's kSecret; `patch` (an RFC
// 7386 merge patch: null removes a key) holds only what the test needs
// otherwise, each with its reason where it is written.
nlohmann::json demo_app(const std::string& dialect, int backend_port,
                        const nlohmann::json& patch = nlohmann::json::object());

// A gateway config around `apps`: its id, 2 loop threads, the bus at
// `nats_url` and an admin port on a free loopback port.
nlohmann::json gateway_config(const std::string& nats_url, const std::vector<nlohmann::json>& apps,
                              const std::string& gateway_id);

// The demo's tribe app (demo_app) in a gateway of its own.
nlohmann::json tribe_config(const std::string& nats_url, int backend_port, const std::string& gateway_id = "gw-test");

// HS256 tokens signed with kSecret (or `secret`) for the bad-token cases.
std::string mint_token(const nlohmann::json& claims, const std::string& secret = kSecret);

// An HTTP GET to 127.0.0.1:port; status and body.
std::pair<int, std::string> http_get(int port, const std::string& path);

// Opens a tribe socket for `token` and reads the `connected` frame.
std::unique_ptr<WsClient> tribe_connect(int port, const std::string& token);

}  // namespace gangway::test
