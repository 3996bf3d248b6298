#pragma once
// Shared by the winkr adapter tests: sessions, fixed clocks and the seed's
// frames (which the seed prints without the envelope's "timestamp").
#include <gtest/gtest.h>

#include <string>

#include "adapters/winkr/winkr_adapter.hpp"
#include "tests/adapters/frame_assertions.hpp"

namespace gangway::adapters::winkr_testing {

inline std::string noon() { return "2025-01-01T12:00:00Z"; }
inline std::string half_past() { return "2025-01-01T12:30:00Z"; }

// jane_doe of the seed's examples (user-uuid-2), on connection conn-uuid-2.
inline SessionInfo jane() {
  SessionInfo s;
  s.app = "winkr";
  s.conn_id = "conn-uuid-2";
  s.user = Principal{"user-uuid-2", "Jane Doe", "jane_doe"};
  return s;
}

// user-uuid-1 on conn-uuid-1, whose token has no username claim.
inline SessionInfo john() {
  SessionInfo s;
  s.app = "winkr";
  s.conn_id = "conn-uuid-1";
  s.user = Principal{"user-uuid-1", "john_doe", "john_doe"};
  return s;
}

// The seed's frame with the envelope's timestamp appended, pretty-printed.
inline std::string stamped(const char* seed_text, const std::string& timestamp = noon()) {
  OrderedJson j = OrderedJson::parse(seed_text);
  j["timestamp"] = timestamp;
  return j.dump(2);
}

inline void expect_seed(const std::string& actual, const char* seed_text,
                        const std::string& timestamp = noon()) {
  testing::expect_seed_frame(actual, stamped(seed_text, timestamp));
}

}  // namespace gangway::adapters::winkr_testing
