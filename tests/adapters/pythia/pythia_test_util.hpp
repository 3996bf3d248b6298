#pragma once
// Shared by the pythia adapter tests: a fixed clock (the seed's timestamp), a
// session, and an Action comparison.
#include <gtest/gtest.h>

#include <string>

#include "adapters/pythia/pythia_adapter.hpp"

namespace gangway::adapters::pythia_testing {

inline constexpr const char* kSeedTime = "2024-01-07T10:30:00Z";
inline std::string seed_clock() { return kSeedTime; }
inline PythiaAdapter adapter() { return PythiaAdapter(&seed_clock); }

inline const Json& no_options() {
  static const Json empty = Json::object();
  return empty;
}

inline SessionInfo session(const Json* options = &no_options()) {
  SessionInfo s;
  s.app = "pythia";
  s.conn_id = "conn-1";
  s.user = Principal{"user-uuid", "John Doe", Json{{"sub", "user-uuid"}, {"username", "john_doe"}}};
  s.options = options;
  return s;
}

inline Action want(Action::Type type, std::string request) {
  Action a;
  a.type = type;
  a.request_event = std::move(request);
  return a;
}

inline void expect_action(const Action& got, const Action& want) {
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.request_event, want.request_event);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.room, want.room);
  EXPECT_EQ(got.data, want.data);
  ASSERT_EQ(got.authorize.has_value(), want.authorize.has_value());
  if (want.authorize) {
    EXPECT_EQ(got.authorize->name, want.authorize->name);
    EXPECT_EQ(got.authorize->params, want.authorize->params);
  }
  EXPECT_EQ(got.require_joined, want.require_joined);
  EXPECT_EQ(got.persist, want.persist);
  EXPECT_EQ(got.presence, want.presence);
  ASSERT_EQ(got.fanout.has_value(), want.fanout.has_value());
  if (want.fanout) {
    EXPECT_EQ(got.fanout->name, want.fanout->name);
    EXPECT_EQ(got.fanout->data, want.fanout->data);
    EXPECT_EQ(got.fanout->exclude.user, want.fanout->exclude.user);
    EXPECT_EQ(got.fanout->exclude.conn, want.fanout->exclude.conn);
    EXPECT_FALSE(got.fanout->frame.has_value());
  }
}

}  // namespace gangway::adapters::pythia_testing
