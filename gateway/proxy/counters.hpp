#pragma once
// An app's pass-through counters, for /metrics (Metrics::watch_passthrough).
// Written on the loops with relaxed atomics, read by the admin thread.
#include <atomic>
#include <cstdint>

namespace gangway::proxy {

struct Counters {
  std::atomic<std::uint64_t> requests{0};            // requests passed through (answered or not)
  std::atomic<std::int64_t> in_flight{0};            // being relayed now
  std::atomic<std::uint64_t> backend_connects{0};    // new backend connections
  std::atomic<std::uint64_t> backend_reuses{0};      // requests sent on a pooled connection
  std::atomic<std::uint64_t> retries{0};             // sent again on a new connection: a pooled one had closed
  std::atomic<std::uint64_t> answered_400{0};        // the request, answered by the gateway itself: malformed
  std::atomic<std::uint64_t> answered_501{0};        //   a transfer coding other than chunked
  std::atomic<std::uint64_t> answered_413{0};        //   body over max_body_bytes
  std::atomic<std::uint64_t> answered_502{0};        //   backend down, garbage, header too large
  std::atomic<std::uint64_t> answered_504{0};        //   backend timed out
  std::atomic<std::uint64_t> aborted{0};             // cut after the answer had begun (either side failed), or the client left

  void answered(unsigned status) {
    auto* c = status == 413   ? &answered_413
              : status == 501 ? &answered_501
              : status == 502 ? &answered_502
              : status == 504 ? &answered_504
                              : &answered_400;
    c->fetch_add(1, std::memory_order_relaxed);
  }
};

}  // namespace gangway::proxy
