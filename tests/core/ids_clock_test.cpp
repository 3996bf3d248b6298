#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <regex>
#include <set>
#include <thread>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"

namespace gangway {
namespace {

TEST(NewUuid, IsARandomVersion4UuidInLowerCaseHex) {
  const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = new_uuid();
    ASSERT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(NewShortId, IsPrefixProcessTagAndACountInBase36) {
  const std::regex shape("c[0-9a-f]{8}[0-9a-z]+");
  auto first = new_short_id('c');
  ASSERT_TRUE(std::regex_match(first, shape)) << first;
  std::set<std::string> seen{first};
  for (int i = 0; i < 2000; ++i) {
    auto id = new_short_id('c');
    ASSERT_TRUE(std::regex_match(id, shape)) << id;
    EXPECT_EQ(id.substr(1, 8), first.substr(1, 8)) << "one tag per process";
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 2001u);
  EXPECT_EQ(new_short_id('s').front(), 's');
}

TEST(Iso8601Now, IsUtcWithMillisecondsAndTellsTheTime) {
  const std::regex shape(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  auto before = std::chrono::system_clock::now();
  auto text = iso8601_now();
  auto after = std::chrono::system_clock::now();
  ASSERT_TRUE(std::regex_match(text, shape)) << text;
  std::tm tm{};
  ASSERT_NE(strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm), nullptr);
  auto ms = std::chrono::milliseconds(std::stoi(text.substr(20, 3)));
  auto at = std::chrono::system_clock::from_time_t(timegm(&tm)) + ms;
  EXPECT_GE(at, std::chrono::floor<std::chrono::milliseconds>(before));
  EXPECT_LE(at, after);
}

TEST(Iso8601Now, FollowsTheClockAcrossSeconds) {
  // The second is formatted once per second per thread; a later call in a
  // later second must show it.
  auto first = iso8601_now();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto second = iso8601_now();
  EXPECT_NE(first.substr(0, 19), second.substr(0, 19));
  EXPECT_LT(first, second);
}

}  // namespace
}  // namespace gangway
