#pragma once
// Records what tests see on the wire for the contract checks in tests/contracts:
// one JSON line per WebSocket frame or NATS message, appended to
// $GANGWAY_CONTRACT_LOG/<pid>.jsonl. Does nothing when the variable is unset
// (ctest sets it for the binaries whose frames are checked).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gangway::test {

bool contract_log_enabled();

// The dialect the running gtest belongs to, from its source file's name
// (tests/integration/winkr_test.cpp, tests/adapters/circles/…): "" if none.
std::string dialect_of_current_test();

// A dialect from how a socket was opened (path and credential), for tests whose
// file names no dialect: "" if it cannot tell.
std::string dialect_of_socket(const std::string& target,
                              const std::vector<std::pair<std::string, std::string>>& headers);

// `from` is "client" (a frame a client sent) or "server" (a frame a client received).
// An empty `dialect` means dialect_of_current_test().
void record_frame(std::string_view dialect, std::string_view from, std::string_view frame);

void record_nats(std::string_view subject, const std::vector<std::pair<std::string, std::string>>& headers,
                 std::string_view body);

}  // namespace gangway::test
