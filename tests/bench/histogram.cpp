#include "tests/bench/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace gangway::bench {

int Histogram::index_of(std::uint64_t v) {
  if (v < 2 * kSub) return static_cast<int>(v);
  int msb = 63 - std::countl_zero(v);  // >= 7
  int shift = msb - 6;                 // keeps 7 significant bits: top in [64, 128)
  auto top = static_cast<int>(v >> shift);
  int index = 2 * kSub + (shift - 1) * kSub + (top - kSub);
  return std::min(index, kBuckets - 1);
}

std::uint64_t Histogram::value_of(int index) {
  if (index < 2 * kSub) return static_cast<std::uint64_t>(index);
  int shift = (index - 2 * kSub) / kSub + 1;
  auto top = static_cast<std::uint64_t>((index - 2 * kSub) % kSub + kSub);
  return (top << shift) + (std::uint64_t{1} << shift) / 2;
}

void Histogram::record(std::int64_t ns) {
  if (ns < 0) ns = 0;  // clocks are the same machine's; a negative value is noise
  ++buckets_[index_of(static_cast<std::uint64_t>(ns))];
  if (count_ == 0 || ns < min_) min_ = ns;
  if (count_ == 0 || ns > max_) max_ = ns;
  ++count_;
  sum_ += static_cast<double>(ns);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (int i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  min_ = count_ ? std::min(min_, other.min_) : other.min_;
  max_ = count_ ? std::max(max_, other.max_) : other.max_;
  count_ += other.count_;
  sum_ += other.sum_;
}

std::int64_t Histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::clamp(static_cast<std::int64_t>(value_of(i)), min_, max_);
  }
  return max_;
}

nlohmann::json Histogram::to_json() const {
  nlohmann::json b = nlohmann::json::array();
  for (int i = 0; i < kBuckets; ++i)
    if (buckets_[i]) b.push_back({i, buckets_[i]});
  return {{"n", count_}, {"min", min()}, {"max", max()}, {"sum", sum_}, {"b", b}};
}

Histogram Histogram::from_json(const nlohmann::json& j) {
  Histogram h;
  if (!j.is_object()) return h;
  for (const auto& pair : j.value("b", nlohmann::json::array())) {
    int i = pair.at(0).get<int>();
    if (i >= 0 && i < kBuckets) h.buckets_[i] += pair.at(1).get<std::uint64_t>();
  }
  h.count_ = j.value("n", std::uint64_t{0});
  h.min_ = j.value("min", std::int64_t{0});
  h.max_ = j.value("max", std::int64_t{0});
  h.sum_ = j.value("sum", 0.0);
  return h;
}

}  // namespace gangway::bench
