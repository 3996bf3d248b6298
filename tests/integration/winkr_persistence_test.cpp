// The three ways a persisted kind is stored (persist.<kind>.via), end to end
// with winkr's message:send: the sender and the room see message:new only once
// the store has it; a store that is missing or fails is the dialect's error and
// nothing is fanned out. (via http is walked by winkr_test.cpp.)
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "gateway/bus/nats_bus.hpp"
#include "tests/integration/winkr_stack.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class WinkrPersistenceTest : public ::testing::Test {
 protected:
  // Starts a gateway whose winkr app stores messages as `persist` says.
  void start(const json& persist) {
    json config = winkr_config(nats_.url(), backend_.port(), winkr_relaxed_limits());
    config["apps"][0]["persist"]["message"] = persist;
    gateway_ = std::make_unique<GatewayProcess>(config);
    alice_ = winkr_connect(gateway_->port(), backend_.login("alice"));
    bob_ = winkr_connect(gateway_->port(), backend_.login("bob"));
    for (auto* c : {alice_.get(), bob_.get()}) {
      c->send(winkr_frame("conversation:join", {{"conversation_id", "conv-ab"}}));
      ASSERT_TRUE(next_event(*c, "conversation:joined").is_object());
    }
  }
  void send_message(const std::string& content) {
    alice_->send(winkr_frame("message:send", {{"conversation_id", "conv-ab"}, {"content", content}, {"type", "text"}}));
  }
  // The sender gets INTERNAL_ERROR for its message:send, and nobody a message:new.
  void expect_refused() {
    json e = next_event(*alice_, "error");
    EXPECT_EQ(e["data"]["code"], "INTERNAL_ERROR") << e;
    EXPECT_EQ(e["data"]["request_event"], "message:send");
    EXPECT_TRUE(next_event(*bob_, "message:new", 500ms).is_null()) << "an unstored message was fanned out";
  }
  std::unique_ptr<bus::NatsBus> bus() {
    std::string error;
    auto b = bus::NatsBus::create({nats_.url()}, &error);
    EXPECT_TRUE(b) << error;
    return b;
  }

  NatsServer nats_;
  DemoBackend backend_{nats_.url()};
  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<WsClient> alice_, bob_;
};

TEST_F(WinkrPersistenceTest, JetStreamAcksBeforeTheMessageIsFannedOut) {
  auto admin = bus();
  ASSERT_EQ(admin->ensure_stream("WINKR_MESSAGES", {"gw.in.winkr.message.>"}), bus::BusError::ok);
  start({{"via", "jetstream"}, {"timeout_ms", 2000}});
  send_message("kept by the stream");
  json got = next_event(*bob_, "message:new");
  EXPECT_EQ(got["data"]["message"]["content"], "kept by the stream") << got;
  EXPECT_EQ(got["data"]["message"]["sender_id"], "u-alice");
  EXPECT_EQ(got["data"]["sender"]["id"], "u-alice");
  EXPECT_EQ(next_event(*alice_, "message:new")["data"]["message"]["id"], got["data"]["message"]["id"]);
  EXPECT_EQ(admin->stream_messages("WINKR_MESSAGES"), std::optional<std::uint64_t>(1));
}

TEST_F(WinkrPersistenceTest, JetStreamWithoutAStreamIsAnErrorNotASilentLoss) {
  start({{"via", "jetstream"}, {"timeout_ms", 1000}});
  send_message("no stream captures me");
  expect_refused();
}

TEST_F(WinkrPersistenceTest, RequestReplyFansOutTheWorkersAnswer) {
  // A backend worker answering store requests (a real one would join a queue group).
  auto worker_bus = bus();
  std::atomic<int> requests{0};
  auto worker = worker_bus->subscribe("gw.store.winkr.message", [&](bus::Message&& m) {
    ++requests;
    json env = json::parse(m.data);
    json stored = {{"message",
                    {{"id", "stored-" + env["id"].get<std::string>()},
                     {"conversation_id", env["room"]["id"]},
                     {"sender_id", env["user"]["id"]},
                     {"content", env["data"]["content"]},
                     {"type", env["data"]["type"]},
                     {"created_at", env["received_at"]},
                     {"updated_at", env["received_at"]},
                     {"is_read", false},
                     {"metadata", json::object()}}},
                   {"sender", {{"id", env["user"]["id"]}, {"username", "alice"}}}};
    worker_bus->publish(m.reply, stored.dump());
  });
  ASSERT_TRUE(worker);
  start({{"via", "request"}, {"subject", "gw.store.winkr.message"}, {"timeout_ms", 2000}});
  send_message("stored by a worker");
  json got = next_event(*bob_, "message:new");
  EXPECT_EQ(got["data"]["message"]["content"], "stored by a worker") << got;
  EXPECT_EQ(got["data"]["message"]["id"].get<std::string>().rfind("stored-", 0), 0u) << "the worker's id";
  EXPECT_EQ(requests, 1);
}

TEST_F(WinkrPersistenceTest, RequestReplyWithoutAWorkerIsAnError) {
  start({{"via", "request"}, {"subject", "gw.store.winkr.message"}, {"timeout_ms", 1000}});
  send_message("nobody stores me");
  expect_refused();
}

TEST_F(WinkrPersistenceTest, RequestReplyWithASilentWorkerTimesOutAsAnError) {
  auto worker_bus = bus();
  auto worker = worker_bus->subscribe("gw.store.winkr.message", [](bus::Message&&) {});  // never answers
  ASSERT_TRUE(worker);
  start({{"via", "request"}, {"subject", "gw.store.winkr.message"}, {"timeout_ms", 300}});
  send_message("lost in a worker");
  expect_refused();
}

}  // namespace
}  // namespace gangway::test
