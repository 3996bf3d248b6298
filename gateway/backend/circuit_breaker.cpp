#include "gateway/backend/circuit_breaker.hpp"

namespace gangway::backend {

bool CircuitBreaker::accepts(Clock::time_point now) const {
  switch (state_) {
    case State::closed: return true;
    case State::open: return now >= open_until_;
    case State::half_open: return false;
  }
  return true;
}

CircuitBreaker::Admission CircuitBreaker::admit(Clock::time_point now) {
  if (state_ == State::closed) return Admission::send;
  if (state_ == State::half_open || now < open_until_) return Admission::refused;
  state_ = State::half_open;
  return Admission::probe;
}

void CircuitBreaker::record(Admission attempt, bool success, Clock::time_point now) {
  if (attempt == Admission::refused) return;
  switch (state_) {
    case State::closed:
      consecutive_failures_ = success ? 0 : consecutive_failures_ + 1;
      if (options_.failures > 0 && consecutive_failures_ >= options_.failures) open(now);
      return;
    case State::half_open:
      if (attempt != Admission::probe) return;
      if (success) {
        state_ = State::closed;
        consecutive_failures_ = 0;
      } else {
        open(now);
      }
      return;
    case State::open:
      // An attempt sent before the breaker opened: only the probe decides.
      return;
  }
}

void CircuitBreaker::open(Clock::time_point now) {
  state_ = State::open;
  open_until_ = now + options_.cooldown;
  consecutive_failures_ = 0;
  ++opens_;
}

}  // namespace gangway::backend
