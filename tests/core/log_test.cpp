// The log's line format, its levels and its rate limit.
#include "gateway/core/log.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace gangway {
namespace {

using namespace std::chrono_literals;

TEST(Log, ALineIsOneJsonObjectWithTimeLevelMessageAndContext) {
  // 2026-12-06T10:11:12.345Z
  auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1796551872345));
  auto line = format_log_line(LogLevel::warn, "upgrade refused", {"tribe", "c-1", "u-alice"},
                              {{"reason", "origin_refused"}, {"status", 403}}, at);
  EXPECT_EQ(line,
            R"({"ts":"2026-12-06T10:11:12.345Z","level":"warn","msg":"upgrade refused","app":"tribe","conn":"c-1",)"
            R"("user":"u-alice","reason":"origin_refused","status":403})");
  auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["msg"], "upgrade refused");
}

TEST(Log, UnknownContextIsLeftOutAndTimesKeepTheirMilliseconds) {
  auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(5));
  auto line = format_log_line(LogLevel::info, "drained", {}, nlohmann::json(), at);
  EXPECT_EQ(line, R"({"ts":"1970-01-01T00:00:00.005Z","level":"info","msg":"drained"})");
}

TEST(Log, TextThatIsNotUtf8DoesNotThrow) {
  auto line = format_log_line(LogLevel::info, "m", {}, {{"origin", std::string("\xff\xfe")}},
                              std::chrono::system_clock::time_point{});
  EXPECT_NO_THROW((void)nlohmann::json::parse(line));
}

TEST(Log, LevelsParseAndFilter) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("warn"), LogLevel::warn);
  EXPECT_EQ(parse_log_level("error"), LogLevel::error);
  EXPECT_EQ(parse_log_level("warning"), std::nullopt);
  EXPECT_EQ(parse_log_level(""), std::nullopt);
  set_log_level(LogLevel::warn);
  EXPECT_FALSE(log_enabled(LogLevel::info));
  EXPECT_TRUE(log_enabled(LogLevel::warn));
  EXPECT_TRUE(log_enabled(LogLevel::error));
  set_log_level(LogLevel::info);
  EXPECT_TRUE(log_enabled(LogLevel::info));
  EXPECT_FALSE(log_enabled(LogLevel::debug));
}

TEST(Log, TheLimiterLetsABurstThroughAndCountsTheRest) {
  LogLimiter limiter(3, 10s);
  auto t0 = std::chrono::steady_clock::time_point(100s);  // the start of a period
  std::uint64_t suppressed = 99;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.allow(&suppressed, t0 + 1s));
    EXPECT_EQ(suppressed, 0u);
  }
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.allow(&suppressed, t0 + 9s));
  // The next period: the first line says how many were left out.
  EXPECT_TRUE(limiter.allow(&suppressed, t0 + 10s));
  EXPECT_EQ(suppressed, 5u);
  EXPECT_TRUE(limiter.allow(&suppressed, t0 + 11s));
  EXPECT_EQ(suppressed, 0u);
}

}  // namespace
}  // namespace gangway
