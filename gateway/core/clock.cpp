#include "gateway/core/clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace gangway {

std::string iso8601_now() {
  using namespace std::chrono;
  auto ms_since_epoch = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  auto t = static_cast<std::time_t>(ms_since_epoch / 1000);
  auto ms = static_cast<int>(ms_since_epoch % 1000);
  // The part to the second changes once a second: formatted then, per thread.
  thread_local std::time_t formatted_second = -1;
  thread_local char second[64];  // room for any int year, as the compiler checks
  if (t != formatted_second) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::snprintf(second, sizeof second, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    formatted_second = t;
  }
  std::string out(second);
  out += '.';
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
  return out;
}

std::int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t unix_ms_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace gangway
