// /metrics: the callout clients' counters, histograms, both exposition
// formats, and names a Prometheus or OpenMetrics parser accepts (the real
// parsers read a running gateway's /metrics in tests/integration/metrics_test).
#include "gateway/admin/metrics.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

namespace gangway {
namespace {

struct Family {
  std::string type;
  int declared = 0;
};

// Every sample belongs to a family declared once with HELP and TYPE; counters
// end in _total; no gauge is named like a counter without its _total (an
// OpenMetrics parser reads `x_total` as the samples of counter family `x`).
std::vector<std::string> problems_in(const std::string& text, const std::set<std::string>& known_clashes) {
  std::vector<std::string> problems;
  std::map<std::string, Family> families;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream l(line.substr(7));
      std::string name, type;
      l >> name >> type;
      auto& f = families[name];
      f.type = type;
      if (++f.declared > 1) problems.push_back("declared twice: " + name);
      if (type == "counter" && (name.size() < 6 || name.substr(name.size() - 6) != "_total"))
        problems.push_back("counter without _total: " + name);
    } else if (!line.empty() && line[0] != '#') {
      auto name = line.substr(0, line.find_first_of("{ "));
      bool declared = families.count(name) > 0;
      for (std::string suffix : {"_bucket", "_count", "_sum"})  // a histogram's series
        if (!declared && name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
          auto base = families.find(name.substr(0, name.size() - suffix.size()));
          declared = base != families.end() && base->second.type == "histogram";
        }
      if (!declared) problems.push_back("sample before or without its TYPE: " + line);
    }
  }
  for (const auto& [name, f] : families)
    if (f.type == "gauge" && families.count(name + "_total") && !known_clashes.count(name))
      problems.push_back("gauge shares its base name with a counter: " + name);
  return problems;
}

TEST(Metrics, CalloutClientCountersAreRenderedPerApp) {
  Metrics metrics;
  auto counters = std::make_shared<backend::CalloutCounters>();
  counters->queued = 7;
  counters->expired_in_queue = 3;
  counters->expired_in_flight = 2;
  counters->cancelled = 5;
  counters->rejected_queue_full = 11;
  counters->rejected_breaker_open = 13;
  counters->breaker_state = 1;
  counters->breaker_opens = 4;
  metrics.watch_callouts("tribe", counters);
  auto text = metrics.render();
  for (const char* sample : {
           "gangway_callout_queued{app=\"tribe\"} 7\n",
           "gangway_callout_expired_total{app=\"tribe\",where=\"queue\"} 3\n",
           "gangway_callout_expired_total{app=\"tribe\",where=\"request\"} 2\n",
           "gangway_callout_cancelled_total{app=\"tribe\"} 5\n",
           "gangway_callout_rejected_total{app=\"tribe\",reason=\"queue_full\"} 11\n",
           "gangway_callout_rejected_total{app=\"tribe\",reason=\"breaker_open\"} 13\n",
           "gangway_callout_breaker_state{app=\"tribe\"} 1\n",
           "gangway_callout_breaker_opens_total{app=\"tribe\"} 4\n",
       })
    EXPECT_NE(text.find(sample), std::string::npos) << sample;
}

Metrics& busy(Metrics& metrics) {
  metrics.app("tribe").connections = 1;
  metrics.app("tribe").upgrade_seconds.observe(std::chrono::milliseconds(3));
  metrics.app("tribe").publish_to_write_seconds.observe(std::chrono::microseconds(700));
  metrics.error("tribe", "unauthorized");
  metrics.callout("tribe", "participant", "allowed", std::chrono::milliseconds(12));
  metrics.watch_callouts("tribe", std::make_shared<backend::CalloutCounters>());
  metrics.watch_nats("main", [] { return NatsCounts{1, 2, 3}; });
  metrics.watch_backlog([] { return 1; });
  return metrics;
}

// What the gateway sheds under overload, and why (docs/architecture.md, "Overload").
TEST(Metrics, SheddingIsCountedPerAppAndReason) {
  Metrics metrics;
  auto& app = metrics.app("tribe");
  app.events_dropped_backlog = 3;
  app.events_dropped_late = 5;
  app.deliveries_dropped = 7;
  app.slow_consumers = 2;
  std::uint64_t backlog = 11;
  metrics.watch_backlog([&] { return backlog; });
  backlog = 13;  // read at render time, not when watched
  auto text = metrics.render();
  for (const char* sample : {
           "gangway_events_dropped_total{app=\"tribe\",reason=\"backlog_full\"} 3\n",
           "gangway_events_dropped_total{app=\"tribe\",reason=\"late\"} 5\n",
           "gangway_deliveries_dropped_total{app=\"tribe\"} 7\n",
           "gangway_slow_consumers_total{app=\"tribe\"} 2\n",
           "# TYPE gangway_delivery_backlog_bytes gauge\ngangway_delivery_backlog_bytes 13\n",
       })
    EXPECT_NE(text.find(sample), std::string::npos) << sample;
}

TEST(Metrics, NamesAreValidForPrometheusAndOpenMetrics) {
  Metrics metrics;
  // The open-connections gauge was gangway_connections, which OpenMetrics
  // reads as the counter gangway_connections_total's family: renamed.
  auto problems = problems_in(busy(metrics).render(), {});
  for (const auto& p : problems) ADD_FAILURE() << p;
}

TEST(Metrics, OpenMetricsNamesCounterFamiliesWithoutTotalAndEnds) {
  Metrics metrics;
  auto text = busy(metrics).render(MetricsFormat::openmetrics);
  EXPECT_NE(text.find("# TYPE gangway_frames_in counter\n"), std::string::npos);
  EXPECT_NE(text.find("\ngangway_frames_in_total{app=\"tribe\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE gangway_build info\ngangway_build_info{version="), std::string::npos);
  EXPECT_EQ(text.substr(text.size() - 6), "# EOF\n");
  auto prometheus = metrics.render();
  EXPECT_NE(prometheus.find("# TYPE gangway_frames_in_total counter\n"), std::string::npos);
  EXPECT_NE(prometheus.find("# TYPE gangway_build_info gauge\n"), std::string::npos);
  EXPECT_EQ(prometheus.find("# EOF"), std::string::npos);
}

TEST(Metrics, HistogramsProcessAndNatsAreRendered) {
  Metrics metrics;
  auto text = busy(metrics).render();
  for (const char* sample : {
           "gangway_upgrade_duration_seconds_bucket{app=\"tribe\",le=\"0.0025\"} 0\n",
           "gangway_upgrade_duration_seconds_bucket{app=\"tribe\",le=\"0.005\"} 1\n",
           "gangway_upgrade_duration_seconds_bucket{app=\"tribe\",le=\"+Inf\"} 1\n",
           "gangway_upgrade_duration_seconds_count{app=\"tribe\"} 1\n",
           "gangway_upgrade_duration_seconds_sum{app=\"tribe\"} 0.003\n",
           "gangway_publish_to_write_seconds_bucket{app=\"tribe\",le=\"0.001\"} 1\n",
           "gangway_callout_duration_seconds_bucket{app=\"tribe\",callout=\"participant\",le=\"0.025\"} 1\n",
           "gangway_callouts_total{app=\"tribe\",callout=\"participant\",outcome=\"allowed\"} 1\n",
           "gangway_connections_open{app=\"tribe\"} 1\n",
           "gangway_nats_slow_consumer_total{connection=\"main\"} 1\n",
           "gangway_nats_dropped_total{connection=\"main\"} 2\n",
           "gangway_nats_reconnects_total{connection=\"main\"} 3\n",
           "\nprocess_cpu_seconds_total ",
           "\nprocess_resident_memory_bytes ",
           "\nprocess_open_fds ",
           "\nprocess_max_fds ",
           "\nprocess_start_time_seconds ",
       })
    EXPECT_NE(text.find(sample), std::string::npos) << sample << "\n" << text;
}

TEST(Metrics, ContentNegotiation) {
  EXPECT_EQ(format_for_accept("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"),
            MetricsFormat::openmetrics);
  EXPECT_EQ(format_for_accept("text/plain"), MetricsFormat::prometheus);
  EXPECT_EQ(format_for_accept(""), MetricsFormat::prometheus);
  EXPECT_EQ(content_type(MetricsFormat::openmetrics), "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(Exposition::label("callout", "a\"b\\c\nd"), R"(callout="a\"b\\c\nd")");
}

TEST(Histogram, BucketsAreCumulativeAndInclusive) {
  Histogram h({0.001, 0.01});
  h.observe(std::chrono::microseconds(1000));  // exactly on a bound: in it (le)
  h.observe(std::chrono::microseconds(1001));
  h.observe(std::chrono::seconds(3));
  h.observe(std::chrono::nanoseconds(-5));  // a clock step: counted as 0
  auto s = h.snapshot();
  EXPECT_EQ(s.buckets, (std::vector<std::uint64_t>{2, 3, 4}));
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.sum, 3.002001);
}

TEST(Metrics, TheCheckCatchesBadNames) {
  auto problems = problems_in(
      "# TYPE a_total counter\na_total 1\n# TYPE a gauge\na 1\n# TYPE b counter\nb 1\nc 1\n"
      "# TYPE b counter\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nd_sum 1\n",
      {});
  // a clashes; b lacks _total (at each of its two declarations) and is declared twice; c has no TYPE;
  // h's series are its own, d_sum belongs to no histogram.
  EXPECT_EQ(problems.size(), 6u);
}

}  // namespace
}  // namespace gangway
