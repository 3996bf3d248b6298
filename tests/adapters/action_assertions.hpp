#pragma once
// Comparing a decoded Action with the one a test expects (shared by the adapter tests).
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "gateway/core/model.hpp"

namespace gangway::adapters::testing {

// An expected Action of `type` for the client's `request` event.
inline Action want(Action::Type type, std::string request) {
  Action a;
  a.type = type;
  a.request_event = std::move(request);
  return a;
}

// Every field the core acts on; the fan-out event must not be pre-rendered.
inline void expect_action(const Action& got, const Action& want) {
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.request_event, want.request_event);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.query, want.query);
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
  EXPECT_EQ(got.quiet_if, want.quiet_if);
  ASSERT_EQ(got.fanout.has_value(), want.fanout.has_value());
  if (want.fanout) {
    EXPECT_EQ(got.fanout->name, want.fanout->name);
    EXPECT_EQ(got.fanout->data, want.fanout->data);
    EXPECT_EQ(got.fanout->exclude.user, want.fanout->exclude.user);
    EXPECT_EQ(got.fanout->exclude.conn, want.fanout->exclude.conn);
    EXPECT_FALSE(got.fanout->frame.has_value());
  }
}

}  // namespace gangway::adapters::testing
