#include "gateway/limits/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "gateway/bus/local_bus.hpp"

namespace gangway {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AllowsUpToTheLimitPerUserAndKind) {
  bus::LocalBus bus;
  RateLimiter limiter(bus, "gw", "gw-a");
  Rates rates = {{3, 3600}};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.allow("app", "u1", "message", rates));
  EXPECT_FALSE(limiter.allow("app", "u1", "message", rates));
  EXPECT_TRUE(limiter.allow("app", "u2", "message", rates)) << "per user";
  EXPECT_TRUE(limiter.allow("app", "u1", "typing", rates)) << "per kind";
  EXPECT_TRUE(limiter.allow("app", "u1", "message", {})) << "no rates, no limit";
}

TEST(RateLimiter, EveryWindowMustHaveRoom) {
  bus::LocalBus bus;
  RateLimiter limiter(bus, "gw", "gw-a");
  Rates rates = {{5, 3600}, {2, 86400}};
  EXPECT_TRUE(limiter.allow("app", "u1", "message", rates));
  EXPECT_TRUE(limiter.allow("app", "u1", "message", rates));
  EXPECT_FALSE(limiter.allow("app", "u1", "message", rates)) << "the day is full though the hour is not";
}

TEST(RateLimiter, CountsHitsFromOtherGateways) {
  bus::LocalBus bus;
  RateLimiter a(bus, "gw", "gw-a"), b(bus, "gw", "gw-b");
  a.watch("app");
  b.watch("app");
  Rates rates = {{4, 3600}};
  EXPECT_TRUE(a.allow("app", "u1", "message", rates));
  EXPECT_TRUE(a.allow("app", "u1", "message", rates));
  EXPECT_TRUE(b.allow("app", "u1", "message", rates));
  // Hits travel through the bus asynchronously; give them a moment.
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(a.allow("app", "u1", "message", rates)) << "fourth hit, counted from both";
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(b.allow("app", "u1", "message", rates)) << "b saw a's two hits, its own one and a's fourth";
  EXPECT_FALSE(a.allow("app", "u1", "message", rates));
}

}  // namespace
}  // namespace gangway
