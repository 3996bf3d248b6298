#pragma once
// Shared by the pythia adapter tests: a fixed clock (the seed's timestamp), a
// session, and an Action comparison.
#include <gtest/gtest.h>

#include <string>

#include "adapters/pythia/pythia_adapter.hpp"
#include "tests/adapters/action_assertions.hpp"

namespace gangway::adapters::pythia_testing {

using testing::expect_action;
using testing::want;

inline constexpr const char* kSeedTime = "2024-01-07T10:30:00Z";
inline std::string seed_clock() { return kSeedTime; }
inline PythiaAdapter adapter() { return PythiaAdapter(&seed_clock); }

inline SessionInfo session() {
  SessionInfo s;
  s.app = "pythia";
  s.conn_id = "conn-1";
  s.user = Principal{"user-uuid", "John Doe", "john_doe"};
  return s;
}

}  // namespace gangway::adapters::pythia_testing
