// The drain's moments from the config, and the share of sockets closed by each.
#include "gateway/app/drain.hpp"

#include <gtest/gtest.h>

namespace gangway {
namespace {

using namespace std::chrono_literals;
using Clock = DrainSchedule::Clock;

TEST(DrainSchedule, PhasesFollowTheConfig) {
  const auto t0 = Clock::now();
  auto s = DrainSchedule::from({25s, 5s, 5s}, t0, false);
  EXPECT_EQ(s.refuse - t0, 5s);
  EXPECT_EQ(s.closed - t0, 20s);
  EXPECT_EQ(s.exit - t0, 24s) << "a second is left for the process to exit";
  EXPECT_EQ(s.force - t0, 23500ms);
  EXPECT_LT(s.closed, s.force);
}

TEST(DrainSchedule, ClosesAreSpreadEvenlyOverTheWindow) {
  const auto t0 = Clock::now();
  auto s = DrainSchedule::from({6s, 1s, 2s}, t0, false);  // the window: 1 s to 4 s
  EXPECT_EQ(s.share(t0), 0);
  EXPECT_EQ(s.share(t0 + 999ms), 0) << "nothing is closed while the load balancer catches up";
  EXPECT_DOUBLE_EQ(s.share(t0 + 1s), 0);
  EXPECT_DOUBLE_EQ(s.share(t0 + 2500ms), 0.5);
  EXPECT_EQ(s.share(t0 + 4s), 1);
  EXPECT_EQ(s.share(t0 + 60s), 1);
}

TEST(DrainSchedule, AQuickDrainClosesEverythingAtOnce) {
  const auto t0 = Clock::now();
  auto s = DrainSchedule::from({25s, 5s, 5s}, t0, true);
  EXPECT_EQ(s.refuse, t0);
  EXPECT_EQ(s.share(t0), 1);
  EXPECT_EQ(s.exit - t0, 24s) << "stores and close handshakes still get their time";
}

TEST(DrainSchedule, NoWindowWhenTheWaitAndTheFlushTakeTheWholeGrace) {
  const auto t0 = Clock::now();
  auto s = DrainSchedule::from({7s, 5s, 2s}, t0, false);
  EXPECT_EQ(s.refuse, s.closed);
  EXPECT_EQ(s.share(t0 + 4s), 0);
  EXPECT_EQ(s.share(t0 + 5s), 1);
}

}  // namespace
}  // namespace gangway
