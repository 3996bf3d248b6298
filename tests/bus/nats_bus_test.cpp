// NatsBus against a real nats-server (JetStream on, free port).
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

TEST_F(NatsBusTest, PubSubRoundTripWithHeaders) {
  auto got = std::make_shared<Messages>();
  auto sub = bus_->subscribe("gw.out.app.>", into(got));
  ASSERT_TRUE(sub);
  ASSERT_EQ(bus_->publish("gw.out.app.dm.2", "plain"), BusError::ok);
  Headers h{{"X-One", "1"}, {"X-Two", "a"}, {"X-Two", "b"}};
  ASSERT_EQ(bus_->publish("gw.out.app.room.7", std::string("bin\0ary", 7), h), BusError::ok);
  ASSERT_TRUE(got->wait_for(2));
  auto items = got->items();
  EXPECT_EQ(items[0].subject, "gw.out.app.dm.2");
  EXPECT_EQ(items[0].data, "plain");
  EXPECT_TRUE(items[0].headers.empty());
  EXPECT_TRUE(items[0].reply.empty());
  EXPECT_EQ(items[1].data, std::string("bin\0ary", 7));
  EXPECT_EQ(sorted(items[1].headers), sorted(h));
}

TEST_F(NatsBusTest, RefusesInvalidSubjects) {
  EXPECT_EQ(bus_->subscribe("gw..x", [](Message&&) {}), nullptr);
  EXPECT_EQ(bus_->publish("gw.>", "x"), BusError::failed);
  auto r = std::make_shared<Replies>();
  bus_->request("gw.*", "x", 5s, into(r));
  ASSERT_TRUE(r->wait_for(1));
  EXPECT_EQ(r->items()[0].first, BusError::failed);
}

TEST_F(NatsBusTest, UnsubscribeStopsDelivery) {
  auto gone = std::make_shared<Messages>();
  auto kept = std::make_shared<Messages>();
  auto s1 = bus_->subscribe("room.1", into(gone));
  auto s2 = bus_->subscribe("room.1", into(kept));
  ASSERT_EQ(bus_->publish("room.1", "before"), BusError::ok);
  ASSERT_TRUE(gone->wait_for(1));
  ASSERT_TRUE(kept->wait_for(1));
  s1.reset();
  // The server sees the UNSUB before these PUBs (one ordered connection), and
  // `kept` receiving all of them means the server has processed them.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(bus_->publish("room.1", std::to_string(i)), BusError::ok);
  ASSERT_TRUE(kept->wait_for(21));
  EXPECT_EQ(gone->size(), 1u);
}

TEST_F(NatsBusTest, HandlerMayUnsubscribeItselfAndIsFreedAfter) {
  struct Holder {
    std::unique_ptr<Subscription> sub;
  };
  auto holder = std::make_shared<Holder>();
  auto ran = std::make_shared<Collector<int>>();
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> watch = token;
  holder->sub = bus_->subscribe("once", [holder, ran, token](Message&&) {
    holder->sub.reset();  // destroys the Subscription on its own delivery thread
    ran->push(1);
  });
  token.reset();
  ASSERT_EQ(bus_->publish("once", "1"), BusError::ok);
  ASSERT_TRUE(ran->wait_for(1));
  holder.reset();
  // The closure (and the shared_ptrs it holds) goes in nats.c's on-complete callback.
  EXPECT_TRUE(test::eventually([&] { return watch.expired(); }));
}

TEST_F(NatsBusTest, RequestReplyTimeoutAndNoResponders) {
  auto responder = bus_->subscribe("svc.echo", [bus = bus_.get()](Message&& m) {
    bus->publish(m.reply, "echo:" + m.data);
  });
  auto silent = bus_->subscribe("svc.silent", [](Message&&) {});
  auto r = std::make_shared<Replies>();
  for (int i = 0; i < 50; ++i) bus_->request("svc.echo", std::to_string(i), 10s, into(r));
  ASSERT_TRUE(r->wait_for(50));
  std::vector<std::string> bodies;
  for (auto& [e, body] : r->items()) {
    EXPECT_EQ(e, BusError::ok);
    bodies.push_back(body);
  }
  std::sort(bodies.begin(), bodies.end());
  EXPECT_EQ(bodies.front(), "echo:0");
  EXPECT_EQ(std::unique(bodies.begin(), bodies.end()), bodies.end());

  auto t = std::make_shared<Replies>();
  bus_->request("svc.silent", "x", 100ms, into(t));
  ASSERT_TRUE(t->wait_for(1));
  EXPECT_EQ(t->items()[0].first, BusError::timeout);

  auto n = std::make_shared<Replies>();
  bus_->request("svc.nobody", "x", 10s, into(n));
  ASSERT_TRUE(n->wait_for(1));
  EXPECT_EQ(n->items()[0].first, BusError::no_responders);
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
