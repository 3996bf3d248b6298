#include "gateway/admin/exposition.hpp"

#include <charconv>
#include <cmath>

namespace gangway {
namespace {

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // the shortest text that reads back the same
  return std::string(buf, end);
}

}  // namespace

MetricsFormat format_for_accept(std::string_view accept) {
  return accept.find("application/openmetrics-text") != std::string_view::npos ? MetricsFormat::openmetrics
                                                                                : MetricsFormat::prometheus;
}

std::string_view content_type(MetricsFormat format) {
  return format == MetricsFormat::openmetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                                              : "text/plain; version=0.0.4; charset=utf-8";
}

void Exposition::family(std::string_view name, Type type, std::string_view help) {
  name_ = name;
  type_ = type;
  bool om = format_ == MetricsFormat::openmetrics;
  std::string declared(name);
  if (!om && type == Type::counter) declared += "_total";
  if (!om && type == Type::info) declared += "_info";
  const char* type_name = type == Type::counter     ? "counter"
                          : type == Type::histogram ? "histogram"
                          : type == Type::info      ? (om ? "info" : "gauge")
                                                    : "gauge";
  out_ += "# HELP " + declared + " " + std::string(help) + "\n# TYPE " + declared + " " + type_name + "\n";
}

void Exposition::line(std::string_view suffix, std::string_view labels, std::string_view value) {
  out_ += name_;
  out_ += suffix;
  if (!labels.empty()) {
    out_ += '{';
    out_ += labels;
    out_ += '}';
  }
  out_ += ' ';
  out_ += value;
  out_ += '\n';
}

void Exposition::sample(std::string_view labels, std::uint64_t value) {
  line(type_ == Type::counter ? "_total" : type_ == Type::info ? "_info" : "", labels, std::to_string(value));
}

void Exposition::sample(std::string_view labels, std::int64_t value) {
  line(type_ == Type::counter ? "_total" : type_ == Type::info ? "_info" : "", labels, std::to_string(value));
}

void Exposition::sample(std::string_view labels, double value) {
  line(type_ == Type::counter ? "_total" : type_ == Type::info ? "_info" : "", labels, number(value));
}

void Exposition::histogram(std::string_view labels, const Histogram::Snapshot& h) {
  std::string prefix = labels.empty() ? "" : std::string(labels) + ",";
  for (std::size_t i = 0; i < h.buckets.size(); ++i) {
    double le = i < h.bounds.size() ? h.bounds[i] : INFINITY;
    line("_bucket", prefix + label("le", number(le)), std::to_string(h.buckets[i]));
  }
  line("_count", labels, std::to_string(h.count));
  line("_sum", labels, number(h.sum));
}

std::string Exposition::finish() {
  if (format_ == MetricsFormat::openmetrics) out_ += "# EOF\n";
  return std::move(out_);
}

std::string Exposition::label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  out += '"';
  return out;
}

}  // namespace gangway
