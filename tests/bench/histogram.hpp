#pragma once
// A log-linear latency histogram (HdrHistogram-like, ~1.5% precision) that is
// cheap to record into, merge, and carry across processes as sparse JSON.
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace gangway::bench {

class Histogram {
 public:
  static constexpr int kSub = 64;  // sub-buckets per power of two
  static constexpr int kBuckets = 2 * kSub + 58 * kSub;

  void record(std::int64_t ns);
  void merge(const Histogram& other);
  std::uint64_t count() const { return count_; }
  std::int64_t min() const { return count_ ? min_ : 0; }
  std::int64_t max() const { return count_ ? max_ : 0; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0; }
  // The value at quantile q (0..1), the bucket's midpoint clamped to [min, max].
  std::int64_t quantile(double q) const;

  nlohmann::json to_json() const;  // {"n","min","max","sum","b":[[index,count],…]}
  static Histogram from_json(const nlohmann::json& j);

 private:
  static int index_of(std::uint64_t v);
  static std::uint64_t value_of(int index);

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::int64_t min_ = 0, max_ = 0;
  double sum_ = 0;
};

}  // namespace gangway::bench
