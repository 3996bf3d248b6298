#pragma once
// /metrics' text: the Prometheus text format (0.0.4) or OpenMetrics 1.0,
// whichever the scraper asks for (Accept). The two differ in a few places
// this writer hides: a counter family is named without `_total` in
// OpenMetrics (its samples carry it) and with it in Prometheus; `info`
// families exist only in OpenMetrics (a gauge of 1 in Prometheus); only
// OpenMetrics ends with `# EOF`.
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/admin/histogram.hpp"

namespace gangway {

enum class MetricsFormat { prometheus, openmetrics };

// From the request's Accept header: OpenMetrics when it is offered (as
// Prometheus does, first), else the Prometheus text format.
MetricsFormat format_for_accept(std::string_view accept);
std::string_view content_type(MetricsFormat format);

class Exposition {
 public:
  enum class Type { counter, gauge, histogram, info };

  explicit Exposition(MetricsFormat format) : format_(format) {}

  // Starts a family. `name` is the family's: no `_total` (counter) or `_info`
  // (info) suffix, which the writer adds where the format wants it. `help` is
  // one line of plain text.
  void family(std::string_view name, Type type, std::string_view help);
  // A sample of the current family (not a histogram); `labels` from label(),
  // comma-joined, or empty.
  void sample(std::string_view labels, std::uint64_t value);
  void sample(std::string_view labels, std::int64_t value);
  void sample(std::string_view labels, double value);
  // The series of a histogram family: buckets, count and sum.
  void histogram(std::string_view labels, const Histogram::Snapshot& h);

  // The text, finished (OpenMetrics' `# EOF`).
  std::string finish();

  // name="value", the value escaped (\\, \", \n).
  static std::string label(std::string_view name, std::string_view value);

 private:
  void line(std::string_view suffix, std::string_view labels, std::string_view value);

  MetricsFormat format_;
  std::string out_;
  std::string name_;
  Type type_ = Type::gauge;
};

}  // namespace gangway
