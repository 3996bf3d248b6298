// How the gateway itself ends sessions: a token that expires, a disconnect
// on the control subjects, a drain that waits for a store's answer (and,
// past its deadline, answers it with the dialect's error).
#include <gtest/gtest.h>

#include <ctime>

#include "gateway/session/disconnects.hpp"
#include "tests/session/session_harness.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;

json tribe_app_without_leeway() {
  json app = tribe_app();
  app["jwt"]["leeway_s"] = 0;
  return app;
}

std::shared_ptr<RecordingPeer> connect_with_exp(SessionHarness& h, const std::string& user, std::int64_t exp) {
  auto peer = h.upgrade("/api/v1/ws?token=" + SessionHarness::token(user, {{"exp", exp}}));
  EXPECT_TRUE(peer->session.is_open());
  return peer;
}

// Runs what the loop's expiry clock runs at `now`.
void tick(SessionHarness& h, std::int64_t now) {
  for (Session* s : h.services.expiries[0].pop_due(now)) s->end(Ending::token_expired);
}

TEST(SessionLifetime, ASocketClosesWithTheDialectsCodeWhenItsTokenExpires) {
  SessionHarness h(tribe_app_without_leeway());
  const std::int64_t exp = std::time(nullptr) + 100;
  auto peer = connect_with_exp(h, "u-1", exp);
  auto other = connect_with_exp(h, "u-2", exp + 50);
  EXPECT_EQ(peer->session.info().user.expires_at, exp);
  auto lifecycle = h.watch("gw.in.tribe.disconnect");
  tick(h, exp - 1);
  EXPECT_FALSE(peer->closed) << "valid until its last second";
  tick(h, exp);
  ASSERT_TRUE(peer->closed);
  EXPECT_EQ(*peer->closed, (std::pair<int, std::string>{1008, "Token expired"}));
  EXPECT_FALSE(other->closed);
  ASSERT_TRUE(h.wait_for(lifecycle, 1));
  EXPECT_EQ(json::parse((*lifecycle)[0].data)["reason"], "token_expired");
  EXPECT_EQ(h.app->metrics->tokens_expired.load(), 1u);
}

TEST(SessionLifetime, TheLeewayThatAdmittedATokenAlsoKeepsItsSocket) {
  json app = tribe_app();
  app["jwt"]["leeway_s"] = 30;
  SessionHarness h(app);
  const std::int64_t exp = std::time(nullptr) + 100;
  auto peer = connect_with_exp(h, "u-1", exp);
  EXPECT_EQ(peer->session.info().user.expires_at, exp + 30);
}

TEST(SessionLifetime, ASocketThatClosesFirstLeavesItsLoopsHeap) {
  SessionHarness h(tribe_app_without_leeway());
  auto peer = connect_with_exp(h, "u-1", std::time(nullptr) + 100);
  EXPECT_EQ(h.services.expiries[0].size(), 1u);
  peer->drop();
  EXPECT_TRUE(h.services.expiries[0].empty());
  auto no_exp = h.upgrade("/api/v1/ws?token=" + SessionHarness::token("u-2"));
  EXPECT_EQ(h.services.expiries[0].size(), 1u) << "every JWT socket here has an exp (require_exp)";
}

// ---- Disconnects ---------------------------------------------------------------

TEST(SessionLifetime, ADisconnectClosesEveryLocalSocketOfTheUserOrOneConnection) {
  SessionHarness h(tribe_app());
  Disconnects disconnects(h.bus, h.services.subjects, *h.fanout, {h.app.get()});
  auto a1 = h.connect("u-1", "/api/v1/ws");
  auto a2 = h.connect("u-1", "/api/v1/ws");
  auto b = h.connect("u-2", "/api/v1/ws");
  auto c = h.connect("u-3", "/api/v1/ws");
  auto lifecycle = h.watch("gw.in.tribe.disconnect");

  h.bus.publish("gw.ctl.tribe.disconnect.user.u-1", R"({"reason":"logout"})", {});
  ASSERT_TRUE(h.loop.run_until([&] { return a1->closed && a2->closed; }));
  EXPECT_EQ(*a1->closed, (std::pair<int, std::string>{1008, "logout"}));
  EXPECT_EQ(*a2->closed, (std::pair<int, std::string>{1008, "logout"}));
  EXPECT_FALSE(b->closed);
  ASSERT_TRUE(h.wait_for(lifecycle, 2));
  EXPECT_EQ(json::parse((*lifecycle)[0].data)["reason"], "disconnected");

  h.bus.publish("gw.ctl.tribe.disconnect.conn." + b->session.info().conn_id, "", {});
  ASSERT_TRUE(h.loop.run_until([&] { return b->closed.has_value(); }));
  EXPECT_EQ(*b->closed, (std::pair<int, std::string>{1008, "Disconnected"}));

  // Not a user or conn; another app; a user with no socket here: nothing.
  h.bus.publish("gw.ctl.tribe.disconnect.room.u-3", "", {});
  h.bus.publish("gw.ctl.other.disconnect.user.u-3", "", {});
  h.bus.publish("gw.ctl.tribe.disconnect.user.u-9", "", {});
  h.loop.run_for(200ms);
  EXPECT_FALSE(c->closed);
  EXPECT_EQ(h.app->metrics->disconnected.load(), 3u);
}

TEST(SessionLifetime, ADisconnectsReasonIsCheckedAndCut) {
  EXPECT_EQ(Disconnects::reason_of(""), "");
  EXPECT_EQ(Disconnects::reason_of("not json"), "");
  EXPECT_EQ(Disconnects::reason_of(R"(["reason"])"), "");
  EXPECT_EQ(Disconnects::reason_of(R"({"reason":42})"), "");
  EXPECT_EQ(Disconnects::reason_of(R"({"reason":"a\nb\u0000c"})"), std::string("a b c"));
  // 99 ASCII bytes then a 3-byte character: cut before it, not inside it.
  std::string long_reason = std::string(99, 'x') + "\u6f22" + "tail";
  auto cut = Disconnects::reason_of(json{{"reason", long_reason}}.dump());
  EXPECT_EQ(cut, std::string(99, 'x'));
  EXPECT_EQ(Disconnects::body(""), "{}");
  EXPECT_EQ(Disconnects::reason_of(Disconnects::body("banned")), "banned");
}

// ---- Drain ---------------------------------------------------------------------

json winkr_slow_store_app() {
  json app = winkr_app();
  // /slow answers 200 {"ok":true} once the test releases it.
  app["callouts"]["store_message"] = {{"method", "POST"}, {"path", "/slow/store"}, {"timeout_ms", 10000}};
  app["persist"] = {{"message", {{"via", "http"}, {"callout", "store_message"}}}};
  return app;
}

const std::string kSend =
    R"({"event":"message:send","data":{"conversation_id":"conv-1","content":"hello","type":"text"}})";

std::shared_ptr<RecordingPeer> joined(SessionHarness& h) {
  auto peer = h.connect("u-1", "/ws");
  EXPECT_TRUE(h.say(*peer, R"({"event":"conversation:join","data":{"conversation_id":"conv-1"}})"));
  return peer;
}

// The count drops once the store's answer reached the session: polled.
bool no_store_in_flight(SessionHarness& h, RecordingPeer& peer) {
  for (int i = 0; i < 500 && peer.session.stores_in_flight() != 0; ++i) h.loop.run_for(10ms);
  return peer.session.stores_in_flight() == 0;
}

// Sends message:send and runs the loop until the store's request (after the
// conversation_access authorization) reached the backend, which holds it.
void send_and_wait_for_store(SessionHarness& h, RecordingPeer& peer) {
  const std::size_t before = h.backend.request_count();
  peer.session.on_text(kSend);
  ASSERT_TRUE(h.loop.run_until([&] { return h.backend.request_count() >= before + 2; }));
  ASSERT_EQ(h.backend.requests().back().path, "/slow/store");
}

TEST(SessionLifetime, ADrainedSocketWithNoStoreClosesWith1001AtOnce) {
  SessionHarness h(tribe_app());
  auto peer = h.connect("u-1", "/api/v1/ws");
  auto lifecycle = h.watch("gw.in.tribe.disconnect");
  peer->session.drain();
  ASSERT_TRUE(peer->closed);
  EXPECT_EQ(peer->closed->first, 1001);
  ASSERT_TRUE(h.wait_for(lifecycle, 1));
  EXPECT_EQ(json::parse((*lifecycle)[0].data)["reason"], "shutdown");
}

TEST(SessionLifetime, ADrainedSocketClosesOnlyOnceItsStoreAnsweredAndItsAckIsSent) {
  SessionHarness h(winkr_slow_store_app());
  auto peer = joined(h);
  send_and_wait_for_store(h, *peer);
  EXPECT_EQ(peer->session.stores_in_flight(), 1u);

  peer->session.drain();
  EXPECT_FALSE(peer->closed) << "the store's answer is awaited";
  // A new persisted frame is not stored now: the client sends it again elsewhere.
  ASSERT_TRUE(h.say(*peer, kSend));
  json refused = json::parse(peer->frames.back());
  EXPECT_EQ(refused["event"], "error");
  EXPECT_NE(refused["data"]["details"]["error"].get<std::string>().find("restarting"), std::string::npos) << refused;
  std::size_t stores = 0;
  for (const auto& r : h.backend.requests()) stores += r.path == "/slow/store";
  EXPECT_EQ(stores, 1u) << "the second message was not sent to the store";

  h.backend.release();
  ASSERT_TRUE(h.loop.run_until([&] { return peer->closed.has_value(); }));
  EXPECT_EQ(peer->closed->first, 1001);
  EXPECT_EQ(json::parse(peer->frames.back())["event"], "message:new") << "the acknowledgement went out before the close";
  EXPECT_TRUE(no_store_in_flight(h, *peer));
}

TEST(SessionLifetime, AtTheDeadlineAnUnansweredStoreGetsTheDialectsErrorNeverAnAck) {
  SessionHarness h(winkr_slow_store_app());
  auto peer = joined(h);
  send_and_wait_for_store(h, *peer);
  peer->session.drain();
  peer->session.abandon_stores();
  ASSERT_TRUE(peer->closed);
  EXPECT_EQ(peer->closed->first, 1001);
  json error = json::parse(peer->frames.back());
  EXPECT_EQ(error["event"], "error");
  EXPECT_EQ(error["data"]["code"], "INTERNAL_ERROR") << error;
  EXPECT_NE(error["data"]["details"]["error"].get<std::string>().find("may not have been stored"), std::string::npos);
  const std::size_t frames = peer->frames.size();
  h.backend.release();  // the store answers after all: nobody is told it succeeded
  EXPECT_TRUE(no_store_in_flight(h, *peer));
  EXPECT_EQ(peer->frames.size(), frames);
}

}  // namespace
}  // namespace gangway::test
