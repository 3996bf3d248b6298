#pragma once
// Helpers for the winkr (seed 004) integration tests: the app config, sockets
// opened with "Authorization: Bearer", frame parsing and the demo backend's
// winkr REST endpoints.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/integration/stack.hpp"

namespace gangway::test {

// A winkr app like deploy/gangway.demo.json's, on free ports. `limits` replaces
// the app's "limits" (empty: the dialect's defaults from seed 004).
nlohmann::json winkr_config(const std::string& nats_url, int backend_port,
                            const nlohmann::json& limits = nlohmann::json::object(),
                            const std::string& gateway_id = "gw-winkr-test");

// Limits high enough that a whole test suite never meets them.
nlohmann::json winkr_relaxed_limits();

// A token for any user id, as the demo backend would mint it.
std::string winkr_token(const std::string& user_id);

// Opens /ws with the bearer token; checks 101 and reads connection:established.
std::unique_ptr<WsClient> winkr_connect(int port, const std::string& token);

// A frame as JSON (a discarded value if it is not JSON or absent).
nlohmann::json parse_frame(const std::optional<std::string>& frame);

// The next frame whose "event" is `event`, as JSON (null after the timeout).
nlohmann::json next_event(WsClient& c, const std::string& event,
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Reads frames until one of each of `events` arrived, in any order (other
// events are skipped); the first of each by name. Missing ones are absent.
std::map<std::string, nlohmann::json> collect_events(
    WsClient& c, const std::vector<std::string>& events,
    std::chrono::milliseconds timeout = std::chrono::seconds(5));

// {"event": event, "data": data} as a client sends it.
std::string winkr_frame(const std::string& event, const nlohmann::json& data);

// An HTTP request with a bearer token to the demo backend; status and JSON body.
std::pair<int, nlohmann::json> backend_call(int port, const std::string& method, const std::string& path,
                                            const std::string& token, const nlohmann::json& body = nullptr);

}  // namespace gangway::test
