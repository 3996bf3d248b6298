// Persisted kinds (winkr's message:send): stored by JetStream, a NATS worker
// or the REST backend before anything is fanned out; the stored message (in
// the shape of winkr's message:new data) is what the room receives; every
// failure is the dialect's error and nothing reaches the room.
#include <gtest/gtest.h>

#include "tests/session/session_harness.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;

json winkr_app(const json& persist) {
  return {{"name", "winkr"},
          {"dialect", "winkr"},
          {"routes", {"/ws"}},
          {"token_sources", {"query:token"}},
          {"jwt", {{"keys", {{{"alg", "HS256"}, {"secret", SessionHarness::kSecret}}}}}},
          {"callouts",
           {{"conversation_access", {{"path", "/conversations/{conversation_id}/access/{user_id}"}}},
            // The legacy form: a store without a body template POSTs the gw.in envelope.
            {"store_message", {{"method", "POST"}, {"path", "/store/message"}}}}},
          {"persist", {{"message", persist}}}};
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

}  // namespace
}  // namespace gangway::test
