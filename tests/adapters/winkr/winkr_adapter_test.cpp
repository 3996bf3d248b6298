// Golden frames from seed 004 (winkr): metadata, limits, lifecycle, and every
// client frame decoded to the right Action with the seed's response frame.
#include <gtest/gtest.h>

#include "tests/adapters/winkr/winkr_test_util.hpp"

namespace gangway::adapters {
namespace {

using namespace winkr_testing;

TEST(WinkrAdapter, DescribesItself) {
  WinkrAdapter a(noon);
  EXPECT_EQ(a.name(), "winkr");
  EXPECT_EQ(a.credential(), Credential::bearer);
  EXPECT_EQ(a.auth_failure().http_status, 401);
  EXPECT_EQ(a.auth_failure().close_code, 0);
  EXPECT_EQ(a.required_callouts(), std::vector<std::string>{"conversation_access"});
  OpenPlan p = a.plan_open(jane());
  EXPECT_TRUE(p.checks.empty());
  EXPECT_EQ(p.refuse_close_code, 0);
}

TEST(WinkrAdapter, LimitsAreTheSeeds) {
  DialectLimits l = WinkrAdapter(noon).limits();
  EXPECT_EQ(l.max_frame_bytes, 32u * 1024);
  EXPECT_EQ(l.idle_timeout_s, 60);  // pong wait 60 s, ping every 30 s
  EXPECT_EQ(l.handshake_timeout_s, 30);
  EXPECT_EQ(l.max_connections_per_user, 5);
  EXPECT_EQ(l.connections_per_minute, 10);
  ASSERT_EQ(l.rates.size(), 2u);
  const auto& m = l.rates.at("message");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].count, 30);
  EXPECT_EQ(m[0].window_s, 60);
  EXPECT_EQ(m[1].count, 500);
  EXPECT_EQ(m[1].window_s, 3600);
  EXPECT_EQ(m[2].count, 2000);
  EXPECT_EQ(m[2].window_s, 86400);
  const auto& t = l.rates.at("typing");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].count, 20);
  EXPECT_EQ(t[0].window_s, 60);
}

TEST(WinkrAdapter, PresenceIsTrackedForConversationsOnly) {
  WinkrAdapter a(noon);
  EXPECT_TRUE(a.tracks_presence({"conversation", "c"}));
  EXPECT_FALSE(a.tracks_presence({"user", "u"}));
  EXPECT_FALSE(a.tracks_presence({"all", ""}));
}

TEST(WinkrAdapter, SystemClockHasTheSeedsPrecision) {
  std::string now = WinkrAdapter::system_clock();
  ASSERT_EQ(now.size(), 20u) << now;
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now.back(), 'Z');
}

TEST(WinkrAdapter, OnOpenSendsConnectionEstablished) {
  SessionInfo s = john();
  Opened o = WinkrAdapter(noon).on_open(s);
  ASSERT_EQ(o.frames.size(), 1u);
  expect_seed(o.frames[0], R"({
  "event": "connection:established",
  "data": {
    "user_id": "user-uuid-1",
    "connection_id": "conn-uuid-1",
    "timestamp": "2025-01-01T12:00:00Z"
  }
})");
  EXPECT_TRUE(o.rooms.empty());
  EXPECT_TRUE(o.actions.empty());
}

TEST(WinkrAdapter, OnCloseAnnouncesOfflineInEachConversation) {
  std::vector<RoomKey> rooms{
      {"user", "user-uuid-2"}, {"conversation", "c1"}, {"conn", "conn-uuid-2"}, {"conversation", "c2"}};
  auto actions = WinkrAdapter(half_past).on_close(jane(), rooms);
  ASSERT_EQ(actions.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const Action& a = actions[i];
    std::string id = i == 0 ? "c1" : "c2";
    EXPECT_EQ(a.type, Action::Type::publish);
    EXPECT_EQ(a.kind, "presence");
    EXPECT_EQ(a.room, (RoomKey{"conversation", id}));
    EXPECT_EQ(a.presence, Action::Presence::offline);
    EXPECT_FALSE(a.authorize.has_value());
    EXPECT_FALSE(a.persist);
    EXPECT_EQ(a.data, (Json{{"conversation_id", id}, {"user_id", "user-uuid-2"}, {"status", "offline"}}));
    ASSERT_TRUE(a.fanout.has_value());
    EXPECT_EQ(a.fanout->name, "user:offline");
    EXPECT_EQ(a.fanout->exclude.user, "user-uuid-2");
  }
  auto frame = WinkrAdapter(half_past).encode(*actions[0].fanout, actions[0].room);
  ASSERT_TRUE(frame);
  expect_seed(*frame, R"({
  "event": "user:offline",
  "data": {
    "user_id": "user-uuid-2",
    "username": "jane_doe",
    "offline_at": "2025-01-01T12:30:00Z"
  }
})",
              half_past());
}

TEST(WinkrAdapter, OnCloseWithoutConversationsSaysNothing) {
  EXPECT_TRUE(WinkrAdapter(noon).on_close(jane(), {{"user", "user-uuid-2"}}).empty());
}

TEST(WinkrAdapter, EncodeCloseIsConnectionClosed) {
  auto frame = WinkrAdapter(half_past).encode_close(1000, "");
  ASSERT_TRUE(frame);
  expect_seed(*frame, R"({
  "event": "connection:closed",
  "data": {
    "reason": "normal_closure",
    "code": 1000,
    "timestamp": "2025-01-01T12:30:00Z"
  }
})",
              half_past());
}

TEST(WinkrAdapter, CloseReasonsAreSnakeCase) {
  WinkrAdapter a(noon);
  auto reason = [&](int code, std::string_view text) {
    return Json::parse(a.encode_close(code, text).value())["data"]["reason"].get<std::string>();
  };
  EXPECT_EQ(reason(1001, "server shutting down"), "going_away");
  EXPECT_EQ(reason(1008, ""), "policy_violation");
  EXPECT_EQ(reason(1009, ""), "message_too_big");
  EXPECT_EQ(reason(1011, ""), "internal_error");
  EXPECT_EQ(reason(4008, "Slow consumer!"), "slow_consumer");
  EXPECT_EQ(reason(4000, ""), "closed");
  EXPECT_EQ(reason(4000, "  --  "), "closed");
}

// The core settles the username (the claim, else the display name:
// tests/session); winkr falls back to the id where there is neither.
TEST(WinkrAdapter, UsernameFallsBackToTheId) {
  WinkrAdapter a(noon);
  const char* typing = R"({"event":"typing:start","data":{"conversation_id":"c"}})";
  EXPECT_EQ(a.decode(typing, john())->data["username"], "john_doe");
  SessionInfo anonymous = john();
  anonymous.user.name.clear();
  anonymous.user.username.clear();
  EXPECT_EQ(a.decode(typing, anonymous)->data["username"], "user-uuid-1");
}

}  // namespace
}  // namespace gangway::adapters
