// The fan-out under a publisher that outruns a loop: each loop's backlog stays
// within its bytes (the newest events are shed and counted) and its delay
// (events that waited too long are dropped unparsed and counted), and a loop
// that keeps up loses nothing to one that does not.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/registry.hpp"
#include "gateway/admin/metrics.hpp"
#include "gateway/bus/local_bus.hpp"
#include "gateway/fanout/backlog.hpp"
#include "gateway/fanout/fanout.hpp"

namespace gangway::test {
namespace {

using namespace std::chrono_literals;

const Adapter& tribe_adapter() {
  static const auto adapter = make_adapter("tribe");
  return *adapter;
}

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// One gateway loop's inbox, run on the calling thread only when told.
class HeldLoop {
 public:
  void post(std::function<void()> job) {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  // Runs what is queued (and what that queues) until `done` or the limit.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      std::function<void()> job;
      {
        std::lock_guard lock(mu_);
        if (!jobs_.empty()) {
          job = std::move(jobs_.front());
          jobs_.pop_front();
        }
      }
      if (job) {
        job();
      } else if (std::chrono::steady_clock::now() >= deadline) {
        return done();
      } else {
        std::this_thread::sleep_for(1ms);
      }
    }
    return true;
  }
  std::size_t queued() {
    std::lock_guard lock(mu_);
    return jobs_.size();
  }

 private:
  std::mutex mu_;
  std::deque<std::function<void()>> jobs_;
};

class Counting final : public Connection {
 public:
  explicit Counting(std::string id) { info_.conn_id = std::move(id); }
  SendResult send(const Frame& frame) override {
    frames.push_back(frame->text());
    received.fetch_add(1);
    return SendResult::queued;
  }
  void close(int, std::string_view) override {}
  const SessionInfo& info() const override { return info_; }
  std::vector<std::string> frames;    // on the loop's thread
  std::atomic<std::size_t> received{0};  // frames.size(), for another thread

 private:
  SessionInfo info_;
};

const std::string kSubject = "gw.out.tribe.conversation.flood";
const RoomKey kRoom{"conversation", "flood"};

std::string event(int n) {
  char body[96];
  // 100000 + n: valid JSON (no leading zeros) and all the same length.
  std::snprintf(body, sizeof body, R"({"event":"message.new","data":{"n":%d}})", 100000 + n);
  return body;
}

// What one event costs a loop's backlog (backlog.hpp).
std::size_t event_cost() { return kSubject.size() + event(0).size() + Backlog::kEventOverhead; }

class FanoutOverloadTest : public ::testing::Test {
 protected:
  void make(std::size_t loops, DeliveryLimits limits) {
    fanout_ = std::make_unique<Fanout>(
        bus_, loops, [this](std::size_t i, std::function<void()> job) { loops_[i].post(std::move(job)); }, limits);
  }
  void join(std::size_t loop, Counting& c) {
    bool ready = false;
    fanout_->join(loop, kSubject, kRoom, tribe_adapter(), metrics_, &c, [&] { ready = true; });
    ASSERT_TRUE(loops_[loop].run_until([&] { return ready; }));
  }
  void publish(int count) {
    for (int i = 0; i < count; ++i) ASSERT_EQ(bus_.publish(kSubject, event(i)), bus::BusError::ok);
  }
  void TearDown() override { fanout_.reset(); }

  bus::LocalBus bus_;
  HeldLoop loops_[2];
  AppMetrics metrics_;
  std::unique_ptr<Fanout> fanout_;
};

TEST_F(FanoutOverloadTest, ALoopsBacklogStopsAtItsBytesAndTheNewestEventsAreShed) {
  make(1, {.max_backlog_bytes = 10 * event_cost(), .max_delay = 60s});
  Counting c("c1");
  join(0, c);
  publish(50);  // the loop runs nothing meanwhile
  ASSERT_TRUE(eventually([&] { return metrics_.events_dropped_backlog.load() == 40; }))
      << metrics_.events_dropped_backlog.load() << " shed";
  EXPECT_EQ(fanout_->backlog_bytes(0), 10 * event_cost());
  EXPECT_EQ(loops_[0].queued(), 10u) << "no task is posted for a shed event";

  ASSERT_TRUE(loops_[0].run_until([&] { return loops_[0].queued() == 0; }));
  ASSERT_EQ(c.frames.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_NE(c.frames[i].find(R"("n":)" + std::to_string(100000 + i)), std::string::npos);
  EXPECT_EQ(fanout_->backlog_bytes(0), 0u) << "delivered events free their bytes";
  EXPECT_EQ(metrics_.events_dropped_late.load(), 0u);

  publish(1);  // room again
  ASSERT_TRUE(loops_[0].run_until([&] { return c.frames.size() == 11; }));
}

TEST_F(FanoutOverloadTest, EventsThatWaitedPastTheDelayAreDroppedUnparsed) {
  make(1, {.max_backlog_bytes = 1 << 20, .max_delay = 5ms});
  Counting c("c1");
  join(0, c);
  publish(5);
  ASSERT_TRUE(eventually([&] { return loops_[0].queued() == 5; }));
  std::this_thread::sleep_for(50ms);  // the loop is busy elsewhere
  ASSERT_TRUE(loops_[0].run_until([&] { return loops_[0].queued() == 0; }));
  EXPECT_TRUE(c.frames.empty());
  EXPECT_EQ(metrics_.events_dropped_late.load(), 5u);
  EXPECT_EQ(metrics_.bus_messages.load(), 0u) << "a late event is dropped before it is parsed";
  EXPECT_EQ(fanout_->backlog_bytes(0), 0u);
}

TEST_F(FanoutOverloadTest, ALoopThatKeepsUpLosesNothingToOneThatDoesNot) {
  make(2, {.max_backlog_bytes = 10 * event_cost(), .max_delay = 60s});
  Counting slow("slow"), fast("fast");
  join(0, slow);
  join(1, fast);
  constexpr int kEvents = 300;
  std::atomic<bool> stop{false};
  std::thread runner([&] { loops_[1].run_until([&] { return stop.load() || fast.received == kEvents; }, 30s); });
  bool paced = true;
  for (int i = 0; i < kEvents && paced; ++i) {
    paced = bus_.publish(kSubject, event(i)) == bus::BusError::ok;
    // Paced by what loop 1 takes (the bus hands events over on a thread of
    // its own): it must never be the one behind.
    paced = paced && eventually([&] { return fast.received == static_cast<std::size_t>(i + 1); });
  }
  bool all_shed = paced && eventually([&] { return metrics_.events_dropped_backlog.load() == kEvents - 10; });
  stop = true;
  runner.join();
  ASSERT_TRUE(paced) << fast.received << " delivered to the loop that keeps up";
  ASSERT_TRUE(all_shed) << metrics_.events_dropped_backlog.load() << " shed";
  EXPECT_EQ(fast.frames.size(), static_cast<std::size_t>(kEvents)) << "the loop that keeps up gets every event";
  ASSERT_TRUE(loops_[0].run_until([&] { return loops_[0].queued() == 0; }));
  EXPECT_EQ(slow.frames.size(), 10u) << "the other loop got the first that fit in its backlog";
}

}  // namespace
}  // namespace gangway::test
