// The breaker's state machine, on a clock the test moves.
#include "gateway/backend/circuit_breaker.hpp"

#include <gtest/gtest.h>

namespace gangway::backend {
namespace {

using namespace std::chrono_literals;
using State = CircuitBreaker::State;
using Admission = CircuitBreaker::Admission;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreaker::Clock::time_point t_{};  // the test's clock
  CircuitBreaker breaker_{BreakerOptions{3, 5s}};

  void fail(int n) {
    for (int i = 0; i < n; ++i) breaker_.record(breaker_.admit(t_), false, t_);
  }
};

TEST_F(CircuitBreakerTest, OpensAfterKConsecutiveFailuresOnly) {
  fail(2);
  breaker_.record(breaker_.admit(t_), true, t_);  // a success resets the run
  fail(2);
  EXPECT_EQ(breaker_.state(), State::closed);
  fail(1);
  EXPECT_EQ(breaker_.state(), State::open);
  EXPECT_EQ(breaker_.opens(), 1u);
  EXPECT_FALSE(breaker_.accepts(t_));
  EXPECT_EQ(breaker_.admit(t_), Admission::refused);
}

TEST_F(CircuitBreakerTest, OneProbeAfterTheCooldownThenClosesOnSuccess) {
  fail(3);
  t_ += 4999ms;
  EXPECT_FALSE(breaker_.accepts(t_));
  t_ += 1ms;
  EXPECT_TRUE(breaker_.accepts(t_));
  EXPECT_EQ(breaker_.admit(t_), Admission::probe);
  EXPECT_EQ(breaker_.state(), State::half_open);
  EXPECT_FALSE(breaker_.accepts(t_));                   // while the probe is out
  EXPECT_EQ(breaker_.admit(t_), Admission::refused);
  breaker_.record(Admission::probe, true, t_);
  EXPECT_EQ(breaker_.state(), State::closed);
  EXPECT_EQ(breaker_.admit(t_), Admission::send);
  fail(2);
  EXPECT_EQ(breaker_.state(), State::closed);  // the run starts again from zero
}

TEST_F(CircuitBreakerTest, FailedProbeOpensForAnotherCooldown) {
  fail(3);
  t_ += 5s;
  ASSERT_EQ(breaker_.admit(t_), Admission::probe);
  breaker_.record(Admission::probe, false, t_);
  EXPECT_EQ(breaker_.state(), State::open);
  EXPECT_EQ(breaker_.opens(), 2u);
  t_ += 4s;
  EXPECT_FALSE(breaker_.accepts(t_));
  t_ += 1s;
  EXPECT_EQ(breaker_.admit(t_), Admission::probe);
}

TEST_F(CircuitBreakerTest, LateAnswersOfEarlierAttemptsDoNotDecide) {
  auto early = breaker_.admit(t_);  // sent while closed, answers later
  fail(3);
  breaker_.record(early, true, t_);  // open: ignored
  EXPECT_EQ(breaker_.state(), State::open);
  t_ += 5s;
  ASSERT_EQ(breaker_.admit(t_), Admission::probe);
  breaker_.record(Admission::send, true, t_);  // half-open: only the probe decides
  EXPECT_EQ(breaker_.state(), State::half_open);
  breaker_.record(Admission::probe, false, t_);
  EXPECT_EQ(breaker_.state(), State::open);
}

TEST(CircuitBreaker, ZeroFailuresNeverOpens) {
  CircuitBreaker breaker(BreakerOptions{0, 5s});
  CircuitBreaker::Clock::time_point t{};
  for (int i = 0; i < 1000; ++i) breaker.record(breaker.admit(t), false, t);
  EXPECT_EQ(breaker.state(), State::closed);
  EXPECT_EQ(breaker.opens(), 0u);
}

}  // namespace
}  // namespace gangway::backend
