// One flush in flight at a time; subscriptions made meanwhile share the next.
#include "gateway/fanout/flush_batch.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

namespace gangway::test {
namespace {

// A bus whose flushes complete when the test says so.
class HeldFlushBus final : public bus::Bus {
 public:
  std::unique_ptr<bus::Subscription> subscribe(const std::string&, bus::Handler) override { return nullptr; }
  bus::BusError publish(const std::string&, std::string_view, const bus::Headers&) override {
    return bus::BusError::ok;
  }
  void request(const std::string&, std::string_view, std::chrono::milliseconds, ReplyFn) override {}
  void publish_durable(const std::string&, std::string_view, const std::string&, std::chrono::milliseconds,
                       AckFn) override {}
  void flush(std::chrono::milliseconds, AckFn done) override { held.push_back(std::move(done)); }
  bool connected() const override { return true; }
  void on_state_change(std::function<void(bool)>) override {}

  // Completes the oldest flush sent.
  void complete(bus::BusError e = bus::BusError::ok) {
    auto done = std::move(held.front());
    held.pop_front();
    done(e);
  }
  std::deque<AckFn> held;
};

TEST(FlushBatchTest, SubscriptionsMadeWhileAFlushIsInFlightShareTheNextOne) {
  HeldFlushBus bus;
  FlushBatch batch(bus, std::chrono::seconds(2));
  std::vector<int> done;
  batch.then([&](bus::BusError) { done.push_back(0); });
  ASSERT_EQ(bus.held.size(), 1u) << "the first goes out at once";
  for (int i = 1; i <= 50; ++i) batch.then([&, i](bus::BusError) { done.push_back(i); });
  EXPECT_EQ(bus.held.size(), 1u) << "the others wait for the flush in flight";
  EXPECT_TRUE(done.empty());

  bus.complete();
  EXPECT_EQ(done, std::vector<int>{0}) << "a flush sent before a subscribe cannot confirm it";
  ASSERT_EQ(bus.held.size(), 1u) << "one flush for the 50 that waited";
  bus.complete();
  ASSERT_EQ(done.size(), 51u);
  for (int i = 0; i <= 50; ++i) EXPECT_EQ(done[i], i);
  EXPECT_TRUE(bus.held.empty()) << "nothing waits: no flush";
  EXPECT_EQ(batch.flushes(), 2u);

  batch.then([&](bus::BusError) { done.push_back(51); });
  EXPECT_EQ(bus.held.size(), 1u) << "idle again: the next goes out at once";
}

TEST(FlushBatchTest, AFailedFlushIsReportedToItsWholeBatch) {
  HeldFlushBus bus;
  FlushBatch batch(bus, std::chrono::seconds(2));
  std::vector<bus::BusError> got;
  batch.then([&](bus::BusError e) { got.push_back(e); });
  batch.then([&](bus::BusError e) { got.push_back(e); });
  batch.then([&](bus::BusError e) { got.push_back(e); });
  bus.complete(bus::BusError::timeout);
  bus.complete(bus::BusError::not_connected);
  EXPECT_EQ(got, (std::vector<bus::BusError>{bus::BusError::timeout, bus::BusError::not_connected,
                                             bus::BusError::not_connected}));
}

TEST(FlushBatchTest, AFlushThatReturnsAfterTheBatchIsGoneStillCompletesItsCallers) {
  HeldFlushBus bus;
  int done = 0;
  {
    FlushBatch batch(bus, std::chrono::seconds(2));
    batch.then([&](bus::BusError) { ++done; });
    batch.then([&](bus::BusError) { ++done; });  // waits for a flush never sent
  }
  bus.complete();
  EXPECT_EQ(done, 1);
  EXPECT_TRUE(bus.held.empty()) << "no flush is sent for a batch that is gone";
}

}  // namespace
}  // namespace gangway::test
