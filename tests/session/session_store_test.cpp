// Persisted kinds (winkr's message:send): stored by JetStream, a NATS worker
// or the REST backend before anything is fanned out; the stored message (in
// the shape of winkr's message:new data) is what the room receives; every
// failure is the dialect's error and nothing reaches the room.
#include <gtest/gtest.h>

#include "tests/session/session_harness.hpp"

namespace gangway::test {
namespace session_store_test {  // its own: the unity build compiles it with other test files
namespace {

using nlohmann::json;

json winkr_app(const json& persist) {
  json app = test::winkr_app();
  // The legacy form: a store without a body template POSTs the gw.in envelope.
  app["callouts"]["store_message"] = {{"method", "POST"}, {"path", "/store/message"}};
  app["persist"] = {{"message", persist}};
  return app;
}

const std::string kSend =
    R"({"event":"message:send","data":{"conversation_id":"conv-1","content":"hello","type":"text"}})";

json event_of(const std::string& frame) { return json::parse(frame); }

// A socket of u-1 joined to conv-1 (its join confirmed).
std::shared_ptr<RecordingPeer> joined(SessionHarness& h) {
  auto peer = h.connect("u-1", "/ws");
  EXPECT_TRUE(h.say(*peer, R"({"event":"conversation:join","data":{"conversation_id":"conv-1"}})"));
  EXPECT_EQ(event_of(peer->frames.back())["event"], "conversation:joined");
  return peer;
}

// Sends message:send and returns the next frame the sender receives.
json send_message(SessionHarness& h, RecordingPeer& peer) {
  EXPECT_TRUE(h.say(peer, kSend));
  return event_of(peer.frames.back());
}

TEST(SessionStore, JetStreamAcksThenTheMessageIsFannedOutWithTheStoresId) {
  SessionHarness h(winkr_app({{"via", "jetstream"}}));
  auto peer = joined(h);
  auto in = h.watch("gw.in.winkr.message.conversation.conv-1");
  json got = send_message(h, *peer);
  ASSERT_EQ(got["event"], "message:new") << got;
  ASSERT_TRUE(h.wait_for(in, 1));
  auto envelope = json::parse((*in)[0].data);
  EXPECT_EQ(got["data"]["message"]["id"], envelope["id"]) << "the envelope's id is the stored message's";
  bool has_msg_id = false;
  for (const auto& [k, v] : (*in)[0].headers) has_msg_id |= k == "Nats-Msg-Id" && v == envelope["id"];
  EXPECT_TRUE(has_msg_id) << "JetStream drops a resent duplicate by it";
}

TEST(SessionStore, AWorkersReplyIsTheStoredMessage) {
  SessionHarness h(winkr_app({{"via", "request"}, {"subject", "store.winkr"}}));
  auto worker = h.bus.subscribe("store.winkr", [&](bus::Message&& m) {
    auto env = json::parse(m.data);
    if (env["data"]["content"] == "hello")
      h.bus.publish(m.reply, json{{"message", {{"id", "m-42"}, {"content", "hello"}}}}.dump(), {});
    else
      h.bus.publish(m.reply, "", {{"Nats-Service-Error-Code", "404"}});
  });
  auto peer = joined(h);
  json got = send_message(h, *peer);
  ASSERT_EQ(got["event"], "message:new") << got;
  EXPECT_EQ(got["data"]["message"]["id"], "m-42") << got;
  ASSERT_TRUE(h.say(*peer, R"({"event":"message:send","data":{"conversation_id":"conv-1","content":"gone","type":"text"}})"));
  EXPECT_EQ(event_of(peer->frames.back())["data"]["code"], "NOT_FOUND");
}

TEST(SessionStore, NoWorkerIsAnErrorNotSilence) {
  SessionHarness h(winkr_app({{"via", "request"}, {"subject", "store.nobody"}, {"timeout_ms", 500}}));
  auto peer = joined(h);
  json got = send_message(h, *peer);
  EXPECT_EQ(got["event"], "error");
  EXPECT_EQ(got["data"]["code"], "INTERNAL_ERROR");
  EXPECT_EQ(got["data"]["request_event"], "message:send");
}

TEST(SessionStore, TheRestBackendStoresAndItsAnswerIsFannedOut) {
  SessionHarness h(winkr_app({{"via", "http"}, {"callout", "store_message"}}));
  h.backend.answer("/store/message", 201, R"({"message":{"id":"m-7","content":"hello"}})");
  auto peer = joined(h);
  json got = send_message(h, *peer);
  ASSERT_EQ(got["event"], "message:new") << got;
  EXPECT_EQ(got["data"]["message"]["id"], "m-7");
  auto posted = h.backend.requests().back();
  EXPECT_EQ(posted.method, "POST");
  EXPECT_EQ(json::parse(posted.body)["data"]["content"], "hello");
}

TEST(SessionStore, EveryStoreFailureIsTheDialectsErrorAndNothingReachesTheRoom) {
  SessionHarness h(winkr_app({{"via", "http"}, {"callout", "store_message"}}));
  auto peer = joined(h);
  auto out = h.watch("gw.out.winkr.conversation.conv-1");
  const std::pair<int, std::string> cases[] = {
      {400, "VALIDATION_ERROR"}, {403, "FORBIDDEN"}, {404, "NOT_FOUND"}, {500, "INTERNAL_ERROR"}};
  for (const auto& [status, code] : cases) {
    h.backend.answer("/store/message", status, "{}");
    json got = send_message(h, *peer);
    EXPECT_EQ(got["event"], "error") << status;
    EXPECT_EQ(got["data"]["code"], code) << status;
  }
  h.loop.run_for(100ms);
  EXPECT_TRUE(out->empty());
}

TEST(SessionStore, WithTheBusDownAJetStreamStoreFails) {
  SessionHarness h(winkr_app({{"via", "jetstream"}}));
  auto peer = joined(h);
  h.bus.down = true;
  json got = send_message(h, *peer);
  EXPECT_EQ(got["event"], "error");
  EXPECT_EQ(got["data"]["code"], "INTERNAL_ERROR");
}

// The sender left while its message was being stored: once the store says
// yes, the room and other systems still hear of it (issue 22: 3 of 3 such
// messages were stored and silent).
TEST(SessionStore, AStoreAnsweredAfterTheSenderLeftIsStillPublished) {
  json app = winkr_app({{"via", "http"}, {"callout", "store_message"}});
  app["callouts"]["store_message"]["path"] = "/slow/store";
  SessionHarness h(app);
  h.backend.answer("/slow/store", 201, R"({"message":{"id":"m-9","content":"hello"}})");
  auto sender = joined(h);
  auto reader = h.connect("u-2", "/ws");
  ASSERT_TRUE(h.say(*reader, R"({"event":"conversation:join","data":{"conversation_id":"conv-1"}})"));
  auto in = h.watch("gw.in.winkr.message.conversation.conv-1");
  sender->session.on_text(kSend);
  // Two joins' authorizations, the message's, then the store, held by the backend.
  ASSERT_TRUE(h.loop.run_until([&] { return h.backend.request_count() == 4; }));
  ASSERT_EQ(h.backend.requests().back().path, "/slow/store");
  sender->drop();
  h.backend.release();
  // The reader hears the message and the sender's user:offline, in either
  // order (they travel different paths); both, so that neither is still on
  // its way to the reader when the test ends.
  auto seen = [&](const std::string& name) -> json {
    for (const auto& f : reader->frames)
      if (event_of(f)["event"] == name) return event_of(f);
    return nullptr;
  };
  ASSERT_TRUE(h.loop.run_until([&] { return !seen("message:new").is_null() && !seen("user:offline").is_null(); }));
  EXPECT_EQ(seen("message:new")["data"]["message"]["id"], "m-9");
  ASSERT_TRUE(h.wait_for(in, 1)) << "other systems see the stored message on gw.in";
  EXPECT_EQ(json::parse((*in)[0].data)["data"]["content"], "hello");
  EXPECT_TRUE(h.outbox.drain(std::chrono::steady_clock::now() + 1s));
  reader->drop();  // out of its rooms before it is destroyed
}

// The bus went down between the store and its announcement: kept, and
// published once it is back; the sender hears it like everyone else.
TEST(SessionStore, AStoredMessageWaitsForTheBusRatherThanBeingLost) {
  SessionHarness h(winkr_app({{"via", "http"}, {"callout", "store_message"}}));
  h.backend.answer("/store/message", 201, R"({"message":{"id":"m-5","content":"hello"}})");
  auto peer = joined(h);
  auto in = h.watch("gw.in.winkr.message.conversation.conv-1");
  h.bus.down = true;
  peer->session.on_text(kSend);
  ASSERT_TRUE(h.loop.run_until([&] { return h.outbox.stats().kept == 2; })) << "the envelope and the event";
  EXPECT_TRUE(in->empty());
  h.bus.down = false;
  ASSERT_TRUE(h.loop.run_until([&] { return event_of(peer->frames.back())["event"] == "message:new"; }));
  EXPECT_EQ(event_of(peer->frames.back())["data"]["message"]["id"], "m-5");
  ASSERT_TRUE(h.wait_for(in, 1));
  EXPECT_EQ(h.outbox.stats().retried, 2u);
}

}  // namespace
}  // namespace session_store_test
}  // namespace gangway::test
