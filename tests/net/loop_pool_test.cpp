// LoopPool's inbox: posts run in order on their loop, and a long burst is run
// in turns so that the loop's other work gets in between.
#include "gateway/net/loop_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace gangway::net {
namespace {

using namespace std::chrono_literals;

TEST(LoopPoolTest, PostsRunInOrderOnTheirLoop) {
  LoopPool pool(2);
  pool.start();
  std::mutex mu;
  std::vector<int> seen;
  std::promise<void> done;
  for (int i = 0; i < 1000; ++i)
    pool.post(1, [&, i] {
      EXPECT_EQ(pool.current(), 1u);
      std::lock_guard lock(mu);
      seen.push_back(i);
      if (i == 999) done.set_value();
    });
  ASSERT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
  pool.stop();
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(seen[i], i);
}

// The fan-out hands a loop one burst of events; the writes that empty its
// sockets' queues are completions on the same loop. Run as one handler, a
// burst of 50 ms would hold every completion back until its end.
TEST(LoopPoolTest, ALongBurstLetsTheLoopsOtherWorkRunInBetween) {
  LoopPool pool(1);
  constexpr int kTasks = 50;
  std::vector<int> order;  // loop thread only: task i, or -1 for the other work
  std::promise<void> done;
  pool.post(0, [&] {
    // Work that becomes ready while the burst runs, as a write completion does.
    boost::asio::post(pool.loop(0), [&] { order.push_back(-1); });
    order.push_back(0);
    std::this_thread::sleep_for(1ms);
  });
  for (int i = 1; i < kTasks; ++i)
    pool.post(0, [&, i] {
      order.push_back(i);
      std::this_thread::sleep_for(1ms);  // each task alone is past LoopPool::kTurn
      if (i == kTasks - 1) done.set_value();
    });
  pool.start();
  ASSERT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
  pool.stop();
  auto other = std::find(order.begin(), order.end(), -1);
  ASSERT_NE(other, order.end());
  EXPECT_LT(other - order.begin(), kTasks) << "the other work waited for the whole burst";
  std::vector<int> tasks;
  for (int v : order)
    if (v >= 0) tasks.push_back(v);
  ASSERT_EQ(tasks.size(), static_cast<std::size_t>(kTasks));
  for (int i = 0; i < kTasks; ++i) EXPECT_EQ(tasks[i], i) << "the burst keeps its order across turns";
}

}  // namespace
}  // namespace gangway::net
