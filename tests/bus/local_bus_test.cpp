#include "gateway/bus/local_bus.hpp"

#include <gtest/gtest.h>

#include "tests/bus/bus_test_util.hpp"

namespace gangway::bus {
namespace {

using namespace std::chrono_literals;
using test::Acks;
using test::Collector;
using test::Messages;
using test::Replies;
using test::into;

TEST(LocalBus, DeliversToExactAndWildcardSubscribers) {
  LocalBus bus;
  auto exact = std::make_shared<Messages>();
  auto star = std::make_shared<Messages>();
  auto tail = std::make_shared<Messages>();
  auto other = std::make_shared<Messages>();
  auto s1 = bus.subscribe("gw.out.app.dm.2", into(exact));
  auto s2 = bus.subscribe("gw.out.*.dm.2", into(star));
  auto s3 = bus.subscribe("gw.out.>", into(tail));
  auto s4 = bus.subscribe("gw.in.>", into(other));
  ASSERT_TRUE(s1 && s2 && s3 && s4);
  EXPECT_TRUE(bus.connected());

  EXPECT_EQ(bus.publish("gw.out.app.dm.2", "hello", {{"k", "v"}}), BusError::ok);
  EXPECT_EQ(bus.publish("gw.out.app.all", "all"), BusError::ok);
  ASSERT_TRUE(exact->wait_for(1));
  ASSERT_TRUE(star->wait_for(1));
  ASSERT_TRUE(tail->wait_for(2));
  EXPECT_EQ(exact->items()[0].data, "hello");
  EXPECT_EQ(exact->items()[0].subject, "gw.out.app.dm.2");
  EXPECT_EQ(exact->items()[0].headers, (Headers{{"k", "v"}}));
  EXPECT_EQ(tail->items()[1].data, "all");
  EXPECT_EQ(other->size(), 0u);
  EXPECT_EQ(exact->size(), 1u);
}

TEST(LocalBus, RefusesInvalidSubjects) {
  LocalBus bus;
  EXPECT_EQ(bus.subscribe("gw..x", [](Message&&) {}), nullptr);
  EXPECT_EQ(bus.subscribe("gw.>.x", [](Message&&) {}), nullptr);
  EXPECT_EQ(bus.publish("gw.*", "x"), BusError::failed);
  EXPECT_EQ(bus.publish("", "x"), BusError::failed);
}

TEST(LocalBus, HandlersRunOnTheBusThreadNotInline) {
  LocalBus bus;
  auto caller = std::this_thread::get_id();
  auto where = std::make_shared<Collector<bool>>();
  auto sub = bus.subscribe("a", [where, caller](Message&&) { where->push(std::this_thread::get_id() != caller); });
  ASSERT_EQ(bus.publish("a", "x"), BusError::ok);
  ASSERT_TRUE(where->wait_for(1));
  EXPECT_TRUE(where->items()[0]);
}

TEST(LocalBus, UnsubscribeStopsDelivery) {
  LocalBus bus;
  auto gone = std::make_shared<Messages>();
  auto kept = std::make_shared<Messages>();
  auto s1 = bus.subscribe("room.1", into(gone));
  auto s2 = bus.subscribe("room.1", into(kept));
  s1.reset();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(bus.publish("room.1", std::to_string(i)), BusError::ok);
  ASSERT_TRUE(kept->wait_for(10));
  EXPECT_EQ(gone->size(), 0u);
}

TEST(LocalBus, HandlerIsDestroyedAfterUnsubscribe) {
  LocalBus bus;
  auto state = std::make_shared<int>(0);
  std::weak_ptr<int> watch = state;
  auto sub = bus.subscribe("x", [state](Message&&) { ++*state; });
  state.reset();
  sub.reset();
  EXPECT_TRUE(test::eventually([&] { return watch.expired(); }));
}

TEST(LocalBus, HandlerMayUnsubscribeAndPublishFromInside) {
  LocalBus bus;
  struct Holder {
    std::unique_ptr<Subscription> sub;
  };
  auto holder = std::make_shared<Holder>();
  auto after = std::make_shared<Messages>();
  auto s2 = bus.subscribe("after", into(after));
  holder->sub = bus.subscribe("once", [holder_w = std::weak_ptr<Holder>(holder), &bus](Message&&) {
    if (auto h = holder_w.lock()) h->sub.reset();  // unsubscribe itself, inside the handler
    bus.publish("after", "ok");
  });
  ASSERT_EQ(bus.publish("once", "1"), BusError::ok);
  ASSERT_TRUE(after->wait_for(1));
  EXPECT_EQ(holder->sub, nullptr);
}

TEST(LocalBus, RequestReply) {
  LocalBus bus;
  auto responder = bus.subscribe("svc.echo", [&bus](Message&& m) {
    EXPECT_TRUE(m.reply.starts_with("_INBOX.local."));
    bus.publish(m.reply, "echo:" + m.data);
  });
  auto r = std::make_shared<Replies>();
  bus.request("svc.echo", "hi", 5s, into(r));
  ASSERT_TRUE(r->wait_for(1));
  EXPECT_EQ(r->items()[0], std::make_pair(BusError::ok, std::string("echo:hi")));
}

TEST(LocalBus, RequestWithoutRespondersOrAnswer) {
  LocalBus bus;
  auto r = std::make_shared<Replies>();
  bus.request("svc.none", "hi", 5s, into(r));
  ASSERT_TRUE(r->wait_for(1));
  EXPECT_EQ(r->items()[0].first, BusError::no_responders);

  auto silent = bus.subscribe("svc.silent", [](Message&&) {});
  auto t = std::make_shared<Replies>();
  bus.request("svc.silent", "hi", 50ms, into(t));
  ASSERT_TRUE(t->wait_for(1));
  EXPECT_EQ(t->items()[0].first, BusError::timeout);
  EXPECT_EQ(t->size(), 1u);
}

TEST(LocalBus, PublishDurableDeliversThenAcks) {
  LocalBus bus;
  auto got = std::make_shared<Messages>();
  auto sub = bus.subscribe("gw.in.app.message.>", into(got));
  auto acks = std::make_shared<Acks>();
  bus.publish_durable("gw.in.app.message.dm.2", "m", "id-1", 5s, into(acks));
  bus.publish_durable("gw.in.*", "m", "id-2", 5s, into(acks));
  ASSERT_TRUE(acks->wait_for(2));
  EXPECT_EQ(acks->items()[0], BusError::ok);
  EXPECT_EQ(acks->items()[1], BusError::failed);
  // The delivery was queued before the ack, on the same thread.
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(got->items()[0].headers, (Headers{{"Nats-Msg-Id", "id-1"}}));
}

TEST(LocalBus, DestroyingTheBusFailsOutstandingRequests) {
  auto r = std::make_shared<Replies>();
  std::unique_ptr<Subscription> survivor;
  {
    LocalBus bus;
    auto silent = bus.subscribe("svc.silent", [](Message&&) {});
    survivor = bus.subscribe("x", [](Message&&) {});
    bus.request("svc.silent", "hi", 10s, into(r));
  }
  ASSERT_TRUE(r->wait_for(1));
  EXPECT_EQ(r->items()[0].first, BusError::not_connected);
  survivor.reset();  // a subscription may outlive its bus
}

}  // namespace
}  // namespace gangway::bus
