// The outbox of stored messages' publishes: straight through while the bus
// takes them, kept in order while it does not, bounded, and drained.
#include "gateway/bus/outbox.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/bus/bus_test_util.hpp"

namespace gangway::bus {
namespace {

using namespace std::chrono_literals;
using test::eventually;

// A bus that refuses publishes while `down`, and records what it took.
class FlakyBus final : public Bus {
 public:
  std::atomic<bool> down{false};
  std::atomic<int> refused{0};
  std::vector<std::string> taken() {
    std::lock_guard lock(mu_);
    return taken_;
  }
  BusError publish(const std::string& subject, std::string_view data, const Headers&) override {
    if (down) {
      ++refused;
      return BusError::not_connected;
    }
    std::lock_guard lock(mu_);
    taken_.push_back(subject + " " + std::string(data));
    return BusError::ok;
  }
  std::unique_ptr<Subscription> subscribe(const std::string&, Handler) override { return nullptr; }
  void request(const std::string&, std::string_view, std::chrono::milliseconds, ReplyFn done) override {
    done(BusError::failed, {});
  }
  void publish_durable(const std::string&, std::string_view, const std::string&, std::chrono::milliseconds,
                       AckFn done) override {
    done(BusError::failed);
  }
  void flush(std::chrono::milliseconds, AckFn done) override { done(BusError::ok); }
  bool connected() const override { return !down; }
  void on_state_change(std::function<void(bool)>) override {}

 private:
  std::mutex mu_;
  std::vector<std::string> taken_;
};

TEST(Outbox, PublishesStraightThroughWhileTheBusIsUp) {
  FlakyBus bus;
  Outbox outbox(1 << 20, 10ms);
  EXPECT_TRUE(outbox.publish(bus, "a", "1"));
  EXPECT_EQ(bus.taken(), std::vector<std::string>{"a 1"});
  EXPECT_EQ(outbox.stats().kept, 0u);
}

TEST(Outbox, KeepsWhatTheBusRefusesAndPublishesItInOrderOnceItIsBack) {
  FlakyBus bus;
  Outbox outbox(1 << 20, 10ms);
  bus.down = true;
  for (const char* n : {"1", "2", "3"}) EXPECT_TRUE(outbox.publish(bus, "room", n));
  EXPECT_EQ(outbox.stats().kept, 3u);
  EXPECT_TRUE(bus.taken().empty());
  ASSERT_TRUE(eventually([&] { return bus.refused > 3; })) << "retried while down";
  bus.down = false;
  EXPECT_TRUE(outbox.publish(bus, "room", "4")) << "behind the kept ones, not ahead of them";
  ASSERT_TRUE(eventually([&] { return bus.taken().size() == 4; }));
  EXPECT_EQ(bus.taken(), (std::vector<std::string>{"room 1", "room 2", "room 3", "room 4"}));
  auto s = outbox.stats();
  EXPECT_EQ(s.kept, 0u);
  EXPECT_EQ(s.kept_bytes, 0u);
  EXPECT_EQ(s.retried, 4u);
  EXPECT_EQ(s.dropped, 0u);
}

TEST(Outbox, PastItsBoundItDropsAndCountsNeverGrows) {
  FlakyBus bus;
  Outbox outbox(100, 10ms);
  bus.down = true;
  EXPECT_TRUE(outbox.publish(bus, "s", std::string(60, 'x')));
  EXPECT_FALSE(outbox.publish(bus, "s", std::string(60, 'y')));
  auto s = outbox.stats();
  EXPECT_EQ(s.kept, 1u);
  EXPECT_EQ(s.kept_bytes, 61u);
  EXPECT_EQ(s.dropped, 1u);
}

TEST(Outbox, ADrainWaitsForStoresInFlightAndWhatIsKept) {
  FlakyBus bus;
  Outbox outbox(1 << 20, 10ms);
  auto store = outbox.pending();
  auto copy = store;
  EXPECT_EQ(outbox.stats().pending, 1u);
  EXPECT_FALSE(outbox.drain(std::chrono::steady_clock::now() + 50ms)) << "a store is in flight";
  bus.down = true;
  outbox.publish(bus, "s", "stored");
  store.reset();
  copy.reset();  // the store's answer was handled
  EXPECT_EQ(outbox.stats().pending, 0u);
  EXPECT_FALSE(outbox.drain(std::chrono::steady_clock::now() + 50ms)) << "its publish is still kept";
  std::thread back([&] {
    std::this_thread::sleep_for(50ms);
    bus.down = false;
  });
  EXPECT_TRUE(outbox.drain(std::chrono::steady_clock::now() + 5s));
  back.join();
  EXPECT_EQ(bus.taken(), std::vector<std::string>{"s stored"});
}

TEST(Outbox, OnceStoppedItDropsWithoutTouchingABus) {
  FlakyBus bus;
  Outbox::Pending outlives;
  {
    Outbox outbox(1 << 20, 10ms);
    outlives = outbox.pending();
    outbox.stop();
    EXPECT_FALSE(outbox.publish(bus, "s", "late"));
    EXPECT_EQ(outbox.stats().dropped, 1u);
  }
  EXPECT_TRUE(bus.taken().empty());
  outlives.reset();  // a Pending may outlive its outbox
}

}  // namespace
}  // namespace gangway::bus
