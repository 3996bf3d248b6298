#include "gateway/core/ids.hpp"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <random>

namespace gangway {
namespace {

std::uint64_t random64() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

}  // namespace

std::string new_uuid() {
  std::uint64_t hi = random64(), lo = random64();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::string new_short_id(char prefix) {
  static const std::uint32_t process_tag = static_cast<std::uint32_t>(std::random_device{}());
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t n = ++counter;
  std::string digits;
  do {
    digits.insert(digits.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]);
    n /= 36;
  } while (n);
  char tag[9];
  std::snprintf(tag, sizeof tag, "%08x", process_tag);
  return std::string(1, prefix) + tag + digits;
}

}  // namespace gangway
