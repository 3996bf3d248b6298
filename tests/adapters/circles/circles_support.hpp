#pragma once
// Sessions and assertions shared by the circles adapter tests.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "adapters/circles/circles_adapter.hpp"
#include "adapters/circles/circles_decode.hpp"
#include "tests/adapters/action_assertions.hpp"
#include "tests/adapters/frame_assertions.hpp"

namespace gangway::adapters::circles_test {

using circles::kMaxReactionBytes;
using testing::expect_action;
using circles::kMaxTextBytes;

// What the seed writes for every timestamp ("2025-..."): frames are compared
// with their (checked) ISO-8601 timestamp replaced by this.
inline constexpr const char* kSeedTime = "2025-...";

// The seed's user 8, on the socket of the given route params.
inline SessionInfo session(Params params) {
  SessionInfo s;
  s.app = "circles";
  s.conn_id = "conn-1";
  s.user = Principal{"8", "Maya Patel", "Maya Patel"};
  s.params = std::move(params);
  return s;
}
inline SessionInfo dm_session() { return session({{"thread_id", "2"}}); }
inline SessionInfo user_session() { return session({{"user_id", "8"}}); }
inline SessionInfo place_session() { return session({{"place_id", "1"}}); }

inline bool is_iso8601_utc(const std::string& s) {
  static const std::regex re(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z)");
  return std::regex_match(s, re);
}

// `frame` with its timestamp (which must be ISO-8601 UTC) shown as the seed does.
inline std::string seed_time(const std::string& frame) {
  auto j = OrderedJson::parse(frame, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("timestamp")) return frame;
  EXPECT_TRUE(j["timestamp"].is_string() && is_iso8601_utc(j["timestamp"].get<std::string>())) << frame;
  j["timestamp"] = kSeedTime;
  return j.dump();
}

// The frame is the seed's, byte for byte, once its timestamp is normalised.
inline void expect_seed_frame(const std::string& actual, std::string_view seed_text) {
  adapters::testing::expect_seed_frame(seed_time(actual), seed_text);
}

}  // namespace gangway::adapters::circles_test
