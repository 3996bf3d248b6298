// NatsBus against a real nats-server (JetStream on, free port): what only it
// does; the Bus contract both implementations keep is bus_contract_test.cpp.
#include "gateway/bus/nats_bus.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/bus/bus_test_util.hpp"
#include "tests/support/process.hpp"

namespace gangway::bus {
namespace {

using namespace std::chrono_literals;
using test::Acks;
using test::Collector;
using test::Messages;
using test::Replies;
using test::into;

std::unique_ptr<NatsBus> connect(const std::string& url, int pending_msgs = 1'000'000) {
  NatsOptions o;
  o.url = url;
  o.name = "bus-test";
  o.reconnect_wait = 100ms;
  o.pending_msgs_limit = pending_msgs;
  std::string error;
  auto bus = NatsBus::create(o, &error);
  EXPECT_NE(bus, nullptr) << error;
  return bus;
}

class NatsBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bus_ = connect(server_.url());
    ASSERT_TRUE(bus_);
    ASSERT_TRUE(bus_->connected());
  }

  gangway::test::NatsServer server_;
  std::unique_ptr<NatsBus> bus_;
};

Headers sorted(Headers h) {
  std::sort(h.begin(), h.end());
  return h;
}






TEST_F(NatsBusTest, PublishDurableAckedDedupedOrRejected) {
  ASSERT_EQ(bus_->ensure_stream("GW_IN", {"gw.in.>"}), BusError::ok);
  ASSERT_EQ(bus_->ensure_stream("GW_IN", {"gw.in.>"}), BusError::ok);  // idempotent
  auto acks = std::make_shared<Acks>();
  bus_->publish_durable("gw.in.app.message.dm.2", "m1", "id-1", 10s, into(acks));
  ASSERT_TRUE(acks->wait_for(1));
  EXPECT_EQ(acks->items()[0], BusError::ok);
  bus_->publish_durable("gw.in.app.message.dm.2", "m1 again", "id-1", 10s, into(acks));
  ASSERT_TRUE(acks->wait_for(2));
  EXPECT_EQ(acks->items()[1], BusError::ok);  // a duplicate is acked, not stored twice
  EXPECT_EQ(bus_->stream_messages("GW_IN"), 1u);
  bus_->publish_durable("gw.in.app.message.dm.2", "m2", "id-2", 10s, into(acks));
  ASSERT_TRUE(acks->wait_for(3));
  EXPECT_EQ(acks->items()[2], BusError::ok);
  EXPECT_EQ(bus_->stream_messages("GW_IN"), 2u);

  bus_->publish_durable("nostream.x", "m", "id-3", 10s, into(acks));
  ASSERT_TRUE(acks->wait_for(4));
  EXPECT_EQ(acks->items()[3], BusError::rejected);
  EXPECT_EQ(bus_->stream_messages("NOPE"), std::nullopt);
}

TEST_F(NatsBusTest, EnsureStreamUpdatesSubjects) {
  ASSERT_EQ(bus_->ensure_stream("S", {"s.a"}), BusError::ok);
  ASSERT_EQ(bus_->ensure_stream("S", {"s.a", "s.b"}), BusError::ok);
  auto acks = std::make_shared<Acks>();
  bus_->publish_durable("s.b", "x", "b-1", 10s, into(acks));
  ASSERT_TRUE(acks->wait_for(1));
  EXPECT_EQ(acks->items()[0], BusError::ok);
  EXPECT_EQ(bus_->stream_messages("S"), 1u);
}

TEST_F(NatsBusTest, SlowConsumerIsCountedNotFatal) {
  auto bus = connect(server_.url(), /*pending_msgs=*/5);
  auto gate = std::make_shared<test::Gate>();
  auto got = std::make_shared<Messages>();
  auto sub = bus->subscribe("flood", [gate, got](Message&& m) {
    gate->wait();
    got->push(std::move(m));
  });
  for (int i = 0; i < 200; ++i) ASSERT_EQ(bus->publish("flood", "x"), BusError::ok);
  EXPECT_TRUE(test::eventually([&] { return bus->slow_consumer_events() >= 1; }));
  EXPECT_GT(bus->dropped_messages(), 0u);
  gate->open();
  ASSERT_TRUE(got->wait_for(1));
  auto dropped = bus->dropped_messages();
  sub.reset();
  EXPECT_GE(bus->dropped_messages(), dropped);  // kept after the subscription is gone
}

TEST(NatsBusLifecycle, StartsBeforeTheServerAndSurvivesRestarts) {
  gangway::test::NatsServer server;
  server.process().stop();
  auto bus = connect(server.url());
  ASSERT_TRUE(bus);
  EXPECT_FALSE(bus->connected());
  auto states = std::make_shared<Collector<bool>>();
  bus->on_state_change([states](bool up) { states->push(up); });
  auto got = std::make_shared<Messages>();
  auto sub = bus->subscribe("gw.out.app.all", into(got));  // registered while down
  ASSERT_TRUE(sub);
  EXPECT_EQ(bus->publish("gw.out.app.all", "x"), BusError::not_connected);

  server.restart();
  ASSERT_TRUE(states->wait_for(1));
  EXPECT_TRUE(states->items()[0]);
  EXPECT_TRUE(bus->connected());
  ASSERT_EQ(bus->publish("gw.out.app.all", "first"), BusError::ok);
  ASSERT_TRUE(got->wait_for(1));

  // Down again: refused, not buffered; requests fail fast.
  server.process().stop();
  ASSERT_TRUE(states->wait_for(2));
  EXPECT_FALSE(states->items()[1]);
  EXPECT_FALSE(bus->connected());
  EXPECT_EQ(bus->publish("gw.out.app.all", "lost"), BusError::not_connected);
  auto r = std::make_shared<Replies>();
  bus->request("svc.any", "x", 10s, into(r));
  auto acks = std::make_shared<Acks>();
  bus->publish_durable("gw.in.x", "x", "id", 10s, into(acks));
  ASSERT_TRUE(r->wait_for(1));
  ASSERT_TRUE(acks->wait_for(1));
  EXPECT_EQ(r->items()[0].first, BusError::not_connected);
  EXPECT_EQ(acks->items()[0], BusError::not_connected);

  // Back: the subscription resumes.
  server.restart();
  ASSERT_TRUE(states->wait_for(3));
  EXPECT_TRUE(states->items()[2]);
  ASSERT_EQ(bus->publish("gw.out.app.all", "second"), BusError::ok);
  ASSERT_TRUE(got->wait_for(2));
  EXPECT_EQ(got->items()[1].data, "second");
  EXPECT_EQ(got->size(), 2u);
}

TEST(NatsBusLifecycle, OutstandingRequestsFailWhenTheBusGoes) {
  gangway::test::NatsServer server;
  auto r = std::make_shared<Replies>();
  std::unique_ptr<Subscription> survivor;
  {
    auto bus = connect(server.url());
    ASSERT_TRUE(bus);
    auto silent = bus->subscribe("svc.silent", [](Message&&) {});
    survivor = bus->subscribe("x", [](Message&&) {});
    bus->request("svc.silent", "x", 30s, into(r));
  }
  ASSERT_TRUE(r->wait_for(1));
  EXPECT_EQ(r->items()[0].first, BusError::not_connected);
  survivor.reset();  // after the bus: must not crash
}

TEST(NatsBusLifecycle, BadUrlIsReported) {
  NatsOptions o;
  o.url = "nats://127.0.0.1:notaport";
  std::string error;
  auto bus = NatsBus::create(o, &error);
  EXPECT_EQ(bus, nullptr);
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace gangway::bus
