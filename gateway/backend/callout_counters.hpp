#pragma once
// What a CalloutClient counts about its queue and its breaker, for /metrics.
// Written by the client's threads and read by the admin thread with relaxed
// atomics; shared (shared_ptr) so a reader never outlives it.
#include <atomic>
#include <cstdint>

namespace gangway::backend {

struct CalloutCounters {
  std::atomic<std::int64_t> queued{0};                  // waiting for a worker now
  std::atomic<std::uint64_t> expired_in_queue{0};       // deadline passed before a worker took it: never sent
  std::atomic<std::uint64_t> expired_in_flight{0};      // deadline passed while the backend had it
  std::atomic<std::uint64_t> cancelled{0};              // withdrawn by their owner before being sent
  std::atomic<std::uint64_t> rejected_queue_full{0};    // failed at once: the queue was full
  std::atomic<std::uint64_t> rejected_breaker_open{0};  // failed at once: the breaker was open
  std::atomic<int> breaker_state{0};                    // CircuitBreaker::State: 0 closed, 1 open, 2 half-open
  std::atomic<std::uint64_t> breaker_opens{0};          // times the breaker opened
};

}  // namespace gangway::backend
