// A socket's frames take effect in the order the client sent them: while one
// of its actions waits (an authorization callout, a store, a join), the
// later ones wait behind it and run in order as each completes; a full queue
// stops reading the socket until there is room again; a close or a drain
// never acknowledges what was queued and not stored.
//
// Each test holds the first frame's wait open until the second frame had
// every chance to overtake it (today's code let it: the second's answer came
// first), then releases it and reads the order.
#include <gtest/gtest.h>

#include <functional>
#include <mutex>

#include "tests/session/session_harness.hpp"

// Its own namespace: the folder's test files are compiled together (unity build).
namespace gangway::test::order {
namespace {

using nlohmann::json;

json winkr_order_app() {
  json app = winkr_app();
  app["persist"] = {{"message", {{"via", "request"}, {"subject", "store.winkr"}, {"timeout_ms", 10000}}}};
  return app;
}

std::string send(const std::string& content, const std::string& conversation = "conv-1") {
  return json{{"event", "message:send"},
              {"data", {{"conversation_id", conversation}, {"content", content}, {"type", "text"}}}}
      .dump();
}
std::string join(const std::string& conversation) {
  return json{{"event", "conversation:join"}, {"data", {{"conversation_id", conversation}}}}.dump();
}
std::string typing(const std::string& conversation = "conv-1") {
  return json{{"event", "typing:start"}, {"data", {{"conversation_id", conversation}}}}.dump();
}

// The store's worker on store.winkr: a message whose content is "held" waits
// until release(); every other is stored at once, as {"id": "m-<content>"}.
class Worker {
 public:
  explicit Worker(SessionHarness& h) : h_(h) {
    sub_ = h.bus.subscribe("store.winkr", [this](bus::Message&& m) {
      std::string content = json::parse(m.data)["data"]["content"];
      std::lock_guard lock(mu_);
      contents_.push_back(content);
      if (content == "held") held_ = m.reply;
      else h_.bus.publish(m.reply, stored(content), {});
    });
  }
  void release() {
    std::string reply;
    {
      std::lock_guard lock(mu_);
      reply = std::exchange(held_, {});
    }
    ASSERT_FALSE(reply.empty()) << "nothing was held";
    h_.bus.publish(reply, stored("held"), {});
  }
  std::vector<std::string> contents() {
    std::lock_guard lock(mu_);
    return contents_;
  }
  std::size_t requests() { return contents().size(); }
  // `peer` sends the message "held"; true once it waits here.
  bool hold(RecordingPeer& peer) {
    const std::size_t before = requests();
    peer.session.on_text(send("held"));
    return h_.loop.run_until([&] { return requests() == before + 1; });
  }

 private:
  static std::string stored(const std::string& content) {
    return json{{"message", {{"id", "m-" + content}, {"content", content}}}}.dump();
  }
  SessionHarness& h_;
  std::unique_ptr<bus::Subscription> sub_;
  std::mutex mu_;
  std::vector<std::string> contents_;
  std::string held_;
};

std::shared_ptr<RecordingPeer> joined(SessionHarness& h, const std::string& user) {
  auto peer = h.connect(user, "/ws");
  EXPECT_TRUE(h.say(*peer, join("conv-1")));
  return peer;
}

// The frames named `event` `peer` received, as JSON, in order.
std::vector<json> received(const RecordingPeer& peer, const std::string& event) {
  std::vector<json> found;
  for (const auto& f : peer.frames)
    if (auto j = json::parse(f, nullptr, false); j.is_object() && j["event"] == event) found.push_back(j);
  return found;
}
std::size_t count(const RecordingPeer& peer, const std::string& event) { return received(peer, event).size(); }

// The index of the first frame `peer` received that `is` holds for (SIZE_MAX: none).
std::size_t position(const RecordingPeer& peer, const std::function<bool(const json&)>& is) {
  for (std::size_t i = 0; i < peer.frames.size(); ++i)
    if (auto j = json::parse(peer.frames[i], nullptr, false); j.is_object() && is(j)) return i;
  return SIZE_MAX;
}
std::size_t message_at(const RecordingPeer& peer, const std::string& content) {
  return position(peer, [&](const json& j) {
    return j["event"] == "message:new" && j["data"]["message"]["content"] == content;
  });
}

// Long enough for a frame that does not wait its turn to reach the worker
// (today's code): the fixed code never gets there, and a test never waits
// for it to pass, only for the other outcome.
constexpr auto kOvertake = 1s;

TEST(SessionOrder, TwoStoresAreFannedOutAndAcknowledgedInTheOrderTheyWereSent) {
  SessionHarness h(winkr_order_app());
  Worker worker(h);
  auto alice = joined(h, "u-1");
  auto bob = joined(h, "u-2");
  auto out = h.watch("gw.out.winkr.conversation.conv-1");
  ASSERT_TRUE(worker.hold(*alice));
  alice->session.on_text(send("quick"));
  h.loop.run_until([&] { return worker.requests() == 2; }, kOvertake);
  EXPECT_EQ(worker.requests(), 1u) << "the second store waits for the first's answer";
  worker.release();
  ASSERT_TRUE(h.loop.run_until([&] { return count(*alice, "message:new") == 2 && count(*bob, "message:new") == 2; }));
  EXPECT_EQ(worker.contents(), (std::vector<std::string>{"held", "quick"}));
  for (auto* peer : {alice.get(), bob.get()}) {
    auto got = received(*peer, "message:new");
    EXPECT_EQ(got[0]["data"]["message"]["content"], "held");
    EXPECT_EQ(got[1]["data"]["message"]["content"], "quick");
  }
  ASSERT_TRUE(h.wait_for(out, 2));
  EXPECT_NE((*out)[0].data.find("m-held"), std::string::npos) << "gw.out in sending order too";
  EXPECT_NE((*out)[1].data.find("m-quick"), std::string::npos);
}

// The second frame's authorization is cached, the first's held by the
// backend: the second still waits for the first.
TEST(SessionOrder, AFrameWhoseAuthorizationIsCachedWaitsForAnEarlierOneStillBeingAuthorized) {
  json app = winkr_order_app();
  app["callouts"]["conversation_access"]["cache_ttl_ms"] = 60000;
  SessionHarness h(app);
  Worker worker(h);
  auto alice = joined(h, "u-1");  // conv-1's access is cached from now on
  h.backend.answer("/conversations/conv-2/access/u-1", 0, R"({"ok":true})");  // held until released
  const std::size_t asked = h.backend.request_count();
  alice->session.on_text(join("conv-2"));
  ASSERT_TRUE(h.backend.wait_for_requests(asked + 1));
  alice->session.on_text(send("quick"));
  h.loop.run_until([&] { return count(*alice, "message:new") == 1; }, kOvertake);
  EXPECT_EQ(count(*alice, "message:new"), 0u) << "the message overtook the join";
  h.backend.release();
  ASSERT_TRUE(h.loop.run_until([&] { return count(*alice, "message:new") == 1; }));
  EXPECT_EQ(h.backend.request_count(), asked + 1) << "the message's authorization came from the cache";
  const std::size_t joined_conv2 = position(*alice, [](const json& j) {
    return j["event"] == "conversation:joined" && j["data"]["conversation_id"] == "conv-2";
  });
  ASSERT_NE(joined_conv2, SIZE_MAX);
  EXPECT_LT(joined_conv2, message_at(*alice, "quick"));
}

// A typing frame needs nothing but its (quick) authorization; it still goes
// after the message sent before it. A frame over its rate is refused when it
// arrives, as before: the rate counts frames as they come, not as they run.
TEST(SessionOrder, ATypingFrameAfterAHeldStoreWaitsAndItsRateIsCountedOnArrival) {
  json app = winkr_order_app();
  app["limits"] = {{"rates", {{"typing", {{1, 60}}}}}};
  SessionHarness h(app);
  Worker worker(h);
  auto alice = joined(h, "u-1");
  auto bob = joined(h, "u-2");
  ASSERT_TRUE(worker.hold(*alice));
  alice->session.on_text(typing());
  alice->session.on_text(typing());
  ASSERT_TRUE(h.loop.run_until([&] { return count(*alice, "error") == 1; })) << "the second typing is over the rate";
  EXPECT_EQ(received(*alice, "error")[0]["data"]["code"], "RATE_LIMITED");
  h.loop.run_until([&] { return count(*bob, "typing:indicator") == 1; }, kOvertake);
  EXPECT_EQ(count(*bob, "typing:indicator"), 0u) << "the typing overtook the message";
  worker.release();
  ASSERT_TRUE(h.loop.run_until([&] { return count(*bob, "typing:indicator") == 1; }));
  EXPECT_LT(message_at(*bob, "held"), position(*bob, [](const json& j) { return j["event"] == "typing:indicator"; }));
  h.loop.run_for(100ms);
  EXPECT_EQ(count(*bob, "typing:indicator"), 1u) << "the refused typing never runs";
}

// Backpressure rather than loss: with max_queued_frames waiting, the socket
// is not read until one of them has run; every frame then runs, in order.
TEST(SessionOrder, AFullQueuePausesReadingUntilThereIsRoomAgain) {
  json app = winkr_order_app();
  app["limits"] = {{"max_queued_frames", 2}};
  SessionHarness h(app);
  Worker worker(h);
  auto alice = joined(h, "u-1");
  auto bob = joined(h, "u-2");
  ASSERT_TRUE(worker.hold(*alice));
  alice->session.on_text(typing());
  EXPECT_FALSE(alice->reading_paused) << "one frame waits: there is room for another";
  const long holders = alice.use_count();
  alice->session.on_text(send("after"));
  EXPECT_TRUE(alice->reading_paused) << "two frames wait: the socket is not read";
  EXPECT_EQ(alice.use_count(), holders + 1) << "no pending read holds a paused socket: the session does";
  EXPECT_NE(h.metrics.render().find("gangway_reads_paused_total{app=\"winkr\"} 1\n"), std::string::npos)
      << h.metrics.render();
  h.loop.run_for(100ms);
  EXPECT_TRUE(alice->reading_paused);
  EXPECT_EQ(received(*alice, "error").size(), 0u) << "nothing is refused, nothing dropped";
  worker.release();
  ASSERT_TRUE(h.loop.run_until([&] { return count(*bob, "message:new") == 2; }));
  EXPECT_FALSE(alice->reading_paused) << "read again once there is room";
  EXPECT_TRUE(h.loop.run_until([&] { return alice.use_count() == holders; })) << "the session let it go";
  EXPECT_EQ(alice->pauses, 1);
  EXPECT_EQ(worker.contents(), (std::vector<std::string>{"held", "after"}));
  const std::size_t typing_at = position(*bob, [](const json& j) { return j["event"] == "typing:indicator"; });
  EXPECT_LT(message_at(*bob, "held"), typing_at);
  EXPECT_LT(typing_at, message_at(*bob, "after"));
}

// The client goes away with frames queued behind a held store: the store in
// flight is still published (it may have been stored), the queued ones are
// never sent to the store nor fanned out. None of them was acknowledged,
// and there is nobody left to tell.
TEST(SessionOrder, AClosedSocketsQueuedFramesAreDroppedAndItsStoreInFlightIsStillPublished) {
  SessionHarness h(winkr_order_app());
  Worker worker(h);
  auto alice = joined(h, "u-1");
  auto bob = joined(h, "u-2");
  ASSERT_TRUE(worker.hold(*alice));
  alice->session.on_text(send("queued"));
  alice->session.on_text(typing());
  h.loop.run_until([&] { return worker.requests() == 2; }, kOvertake);
  alice->drop();
  worker.release();
  ASSERT_TRUE(h.loop.run_until([&] { return count(*bob, "message:new") == 1; }));
  h.loop.run_for(200ms);
  EXPECT_EQ(worker.contents(), std::vector<std::string>{"held"});
  EXPECT_EQ(count(*bob, "message:new"), 1u);
  EXPECT_EQ(count(*bob, "typing:indicator"), 0u);
}

// A drain waits for the store in flight; the stores queued behind it are
// refused with the dialect's error (send it again once reconnected), never
// acknowledged; the socket closes once the first one's ack is out.
TEST(SessionOrder, ADrainAcknowledgesTheStoreInFlightAndRefusesTheQueuedOnes) {
  SessionHarness h(winkr_order_app());
  Worker worker(h);
  auto alice = joined(h, "u-1");
  ASSERT_TRUE(worker.hold(*alice));
  alice->session.on_text(send("second"));
  alice->session.on_text(send("third"));
  h.loop.run_until([&] { return worker.requests() == 3; }, kOvertake);
  alice->session.drain();
  EXPECT_FALSE(alice->closed) << "the store in flight is awaited";
  worker.release();
  ASSERT_TRUE(h.loop.run_until([&] { return alice->closed.has_value(); }));
  EXPECT_EQ(alice->closed->first, 1001);
  EXPECT_EQ(worker.contents(), std::vector<std::string>{"held"});
  auto acks = received(*alice, "message:new");
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0]["data"]["message"]["content"], "held");
  auto errors = received(*alice, "error");
  ASSERT_EQ(errors.size(), 2u) << "each queued store is refused";
  for (const auto& e : errors) {
    EXPECT_EQ(e["data"]["request_event"], "message:send");
    EXPECT_NE(e["data"]["details"]["error"].get<std::string>().find("restarting"), std::string::npos) << e;
  }
}

// At the drain's deadline the store in flight gets store_failed (it may
// have been stored) and the queued ones the unavailable error: no ack.
TEST(SessionOrder, AbandonedStoresAndQueuedOnesAllGetAnErrorNeverAnAck) {
  SessionHarness h(winkr_order_app());
  Worker worker(h);
  auto alice = joined(h, "u-1");
  ASSERT_TRUE(worker.hold(*alice));
  alice->session.on_text(send("second"));
  h.loop.run_until([&] { return worker.requests() == 2; }, kOvertake);
  alice->session.drain();
  alice->session.abandon_stores();
  ASSERT_TRUE(alice->closed);
  worker.release();
  h.loop.run_for(200ms);
  EXPECT_EQ(worker.contents(), std::vector<std::string>{"held"});
  EXPECT_EQ(count(*alice, "message:new"), 0u);
  auto errors = received(*alice, "error");
  ASSERT_EQ(errors.size(), 2u);
  std::string details;
  for (const auto& e : errors) details += e["data"]["details"]["error"].get<std::string>() + "|";
  EXPECT_NE(details.find("may not have been stored"), std::string::npos) << details;
  EXPECT_NE(details.find("restarting"), std::string::npos) << details;
}

}  // namespace
}  // namespace gangway::test::order
