// NatsBus with wildcard_prefixes: many subjects share one `<prefix>.*`
// subscription and each handler still sees only its own subject.
#include <gtest/gtest.h>

#include "gateway/bus/nats_bus.hpp"
#include "tests/bus/bus_test_util.hpp"
#include "tests/support/process.hpp"

namespace gangway::bus {
namespace {

using namespace std::chrono_literals;
using test::into;
using test::Messages;

class NatsWildcardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NatsOptions o;
    o.url = server_.url();
    o.name = "wildcard-test";
    o.wildcard_prefixes = {"gw.out.app.conn"};
    std::string error;
    bus_ = NatsBus::create(o, &error);
    ASSERT_TRUE(bus_) << error;
    ASSERT_TRUE(bus_->connected());
  }

  // Subscribes, then waits until the server has the interest.
  std::unique_ptr<Subscription> subscribe(const std::string& subject, const std::shared_ptr<Messages>& into_) {
    auto sub = bus_->subscribe(subject, into(into_));
    auto acks = std::make_shared<test::Acks>();
    bus_->flush(2s, into(acks));
    EXPECT_TRUE(acks->wait_for(1));
    return sub;
  }

  gangway::test::NatsServer server_;
  std::unique_ptr<NatsBus> bus_;
};

TEST_F(NatsWildcardTest, EachSubjectReachesOnlyItsHandlers) {
  auto a = std::make_shared<Messages>(), b = std::make_shared<Messages>(), a2 = std::make_shared<Messages>();
  auto sub_a = subscribe("gw.out.app.conn.a", a);
  auto sub_b = subscribe("gw.out.app.conn.b", b);
  auto sub_a2 = subscribe("gw.out.app.conn.a", a2);
  ASSERT_TRUE(sub_a && sub_b && sub_a2);
  ASSERT_EQ(bus_->publish("gw.out.app.conn.nobody", "x"), BusError::ok);  // another gateway's socket
  ASSERT_EQ(bus_->publish("gw.out.app.conn.a", "for a"), BusError::ok);
  ASSERT_EQ(bus_->publish("gw.out.app.conn.b", "for b"), BusError::ok);
  ASSERT_TRUE(a->wait_for(1));
  ASSERT_TRUE(a2->wait_for(1));
  ASSERT_TRUE(b->wait_for(1));
  EXPECT_EQ(a->items().at(0).data, "for a");
  EXPECT_EQ(a2->items().at(0).data, "for a");
  EXPECT_EQ(b->items().at(0).subject, "gw.out.app.conn.b");
  EXPECT_EQ(a->size() + a2->size() + b->size(), 3u);
}

TEST_F(NatsWildcardTest, NothingAfterUnsubscribe) {
  auto a = std::make_shared<Messages>(), b = std::make_shared<Messages>();
  auto sub_a = subscribe("gw.out.app.conn.a", a);
  auto sub_b = subscribe("gw.out.app.conn.b", b);
  sub_a.reset();
  ASSERT_EQ(bus_->publish("gw.out.app.conn.a", "late"), BusError::ok);
  ASSERT_EQ(bus_->publish("gw.out.app.conn.b", "marker"), BusError::ok);
  // One wildcard delivers both in order: once b has the marker, a's message was dropped.
  ASSERT_TRUE(b->wait_for(1));
  EXPECT_EQ(a->size(), 0u);
}

TEST_F(NatsWildcardTest, OtherSubjectsKeepTheirOwnSubscription) {
  auto deep = std::make_shared<Messages>(), room = std::make_shared<Messages>();
  auto sub_deep = subscribe("gw.out.app.conn.a.b", deep);  // not one token under the prefix
  auto sub_room = subscribe("gw.out.app.dm.7", room);
  ASSERT_EQ(bus_->publish("gw.out.app.conn.a.b", "deep"), BusError::ok);
  ASSERT_EQ(bus_->publish("gw.out.app.dm.7", "room"), BusError::ok);
  ASSERT_TRUE(deep->wait_for(1));
  ASSERT_TRUE(room->wait_for(1));
}

}  // namespace
}  // namespace gangway::bus
