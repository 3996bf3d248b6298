#pragma once
// What the pythia integration tests add to stack.hpp: the app's config, a
// client that reads connection_established, and the demo backend's pythia
// REST endpoints.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tests/integration/stack.hpp"

namespace gangway::test {

// The demo backend's seeded pythia channels (deploy/demo_backend/pythia_store.hpp).
inline constexpr const char* kGeneralChannel =
    "6f1c2a4e-1b7d-4c3a-9e2f-000000000001";  // public: alice, bob, carol
inline constexpr const char* kRandomChannel = "6f1c2a4e-1b7d-4c3a-9e2f-000000000002";  // public: alice, bob
inline constexpr const char* kSecretChannel = "6f1c2a4e-1b7d-4c3a-9e2f-000000000003";  // private: alice, bob

// A pythia app like deploy/gangway.demo.json's, on free ports; `options` is the app's "options".
nlohmann::json pythia_config(const std::string& nats_url, int backend_port,
                             const std::string& gateway_id = "gw-test",
                             const nlohmann::json& options = nlohmann::json::object());

// Opens /ws?token=… and reads connection_established (checked against `user_id`
// and `username` when given). `established` receives the frame.
std::unique_ptr<WsClient> pythia_connect(int port, const std::string& token, const std::string& user_id = "",
                                         const std::string& username = "",
                                         std::string* established = nullptr);

// The next frame whose "type" is `type` and which `match` accepts; others are skipped.
std::optional<nlohmann::json> next_of(WsClient& c, const std::string& type,
                                      const std::function<bool(const nlohmann::json&)>& match = {},
                                      std::chrono::milliseconds timeout = std::chrono::seconds(5));
// True if no frame of `type` accepted by `match` arrives within `quiet` (others are skipped).
bool none_of(WsClient& c, const std::string& type,
             const std::function<bool(const nlohmann::json&)>& match = {},
             std::chrono::milliseconds quiet = std::chrono::milliseconds(400));

struct RestReply {
  int status = -1;
  nlohmann::json body;
};

// POST to the demo backend as the token's user.
RestReply rest_post(int backend_port, const std::string& token, const std::string& path,
                    const nlohmann::json& body = nlohmann::json::object());

// The pythia app's stack, shared by a test suite; derive a fixture from it.
class PythiaStack : public SuiteStack<PythiaStack> {
 public:
  static nlohmann::json config(const std::string& nats_url, int backend_port) {
    return pythia_config(nats_url, backend_port);
  }
};

}  // namespace gangway::test
