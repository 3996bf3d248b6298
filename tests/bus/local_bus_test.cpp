// What only the in-process bus does; the Bus contract both implementations
// keep is bus_contract_test.cpp.
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
