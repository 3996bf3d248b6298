#pragma once
// A histogram of durations for /metrics (Prometheus's cumulative buckets).
//
// observe() runs on the hot paths' threads (loops, callout workers): no lock,
// three relaxed atomic adds; a scrape may therefore see an observation's
// bucket before its sum, never a count that disagrees with its buckets (the
// count is their total).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace gangway {

class Histogram {
 public:
  // `bounds`: the buckets' upper bounds in seconds, ascending; a +Inf bucket follows.
  explicit Histogram(std::vector<double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Any thread. A negative duration counts as 0.
  void observe(std::chrono::nanoseconds d);

  struct Snapshot {
    std::vector<double> bounds;          // as constructed
    std::vector<std::uint64_t> buckets;  // cumulative, one per bound, then +Inf (== count)
    std::uint64_t count = 0;
    double sum = 0;  // seconds
  };
  Snapshot snapshot() const;

  // 1 ms … 10 s: upgrades and callouts (a network round trip or several).
  static std::vector<double> request_bounds();
  // 100 µs … 1 s: an event from NATS to a socket, inside one process.
  static std::vector<double> delivery_bounds();

 private:
  std::vector<double> bounds_;
  std::vector<std::int64_t> bounds_ns_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket (not cumulative), +Inf last
  std::atomic<std::uint64_t> sum_ns_{0};
};

}  // namespace gangway
