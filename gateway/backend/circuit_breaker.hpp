#pragma once
// A circuit breaker for one backend: after `failures` consecutive failed
// attempts (no answer in time, connection refused or reset, 5xx) it opens for
// `cooldown`; meanwhile calls fail at once without reaching the backend. Then
// one call goes through as a probe (half-open): its success closes the
// breaker, its failure opens it for another cool-down.
//
// Not thread-safe: CalloutClient calls it under its own lock. Time is passed
// in, so tests drive it without sleeping.
#include <chrono>
#include <cstdint>

namespace gangway::backend {

struct BreakerOptions {
  unsigned failures = 5;                      // consecutive failures that open it; 0: never opens
  std::chrono::milliseconds cooldown{5000};   // how long it stays open before a probe
};

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { closed = 0, open = 1, half_open = 2 };  // the values of the metrics gauge

  explicit CircuitBreaker(BreakerOptions options) : options_(options) {}

  // May a call wait for a worker now? False while open and cooling down, and
  // while the half-open probe is out: such a call fails at once.
  bool accepts(Clock::time_point now) const;

  // A worker is about to send a call: may it? Once the cool-down is over the
  // first call admitted becomes the probe (half-open); until the probe's
  // record() the others are refused.
  enum class Admission { refused, send, probe };
  Admission admit(Clock::time_point now);

  // The outcome of an attempt admit() let through. Attempts sent before the
  // breaker opened may still report: only the probe decides a half-open one.
  void record(Admission attempt, bool success, Clock::time_point now);

  State state() const { return state_; }
  std::uint64_t opens() const { return opens_; }  // times it opened (probes that failed included)

 private:
  void open(Clock::time_point now);

  const BreakerOptions options_;
  State state_ = State::closed;
  unsigned consecutive_failures_ = 0;
  Clock::time_point open_until_{};
  std::uint64_t opens_ = 0;
};

}  // namespace gangway::backend
