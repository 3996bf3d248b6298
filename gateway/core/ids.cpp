#include "gateway/core/ids.hpp"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <iterator>
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
  // 8-4-4-4-12 hex digits; written directly, as every lifecycle event takes one.
  std::string out(36, '-');
  std::size_t at = 0;
  auto put = [&](std::uint64_t bits, int digits) {
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
      if (at == 8 || at == 13 || at == 18 || at == 23) ++at;
      out[at++] = "0123456789abcdef"[(bits >> shift) & 0xf];
    }
  };
  put(hi, 16);
  put(lo, 16);
  return out;
}

std::string new_short_id(char prefix) {
  // The process's tag, formatted once: every socket takes an id.
  static const std::string process_tag = [] {
    char tag[9];
    std::snprintf(tag, sizeof tag, "%08x", static_cast<std::uint32_t>(std::random_device{}()));
    return std::string(tag);
  }();
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t n = ++counter;
  char digits[16];  // base 36: 13 digits hold any 64-bit count
  char* first = std::end(digits);
  do {
    *--first = "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36];
    n /= 36;
  } while (n);
  std::string out(1, prefix);
  out += process_tag;
  out.append(first, std::end(digits));
  return out;
}

}  // namespace gangway
