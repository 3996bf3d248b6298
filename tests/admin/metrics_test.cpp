// /metrics: the callout clients' counters, and names a Prometheus or
// OpenMetrics parser accepts.
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
      if (!families.count(name)) problems.push_back("sample before or without its TYPE: " + line);
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

TEST(Metrics, NamesAreValidForPrometheusAndOpenMetrics) {
  Metrics metrics;
  metrics.app("tribe").connections = 1;
  metrics.error("tribe", "unauthorized");
  metrics.callout("tribe", "participant", "allowed");
  metrics.watch_callouts("tribe", std::make_shared<backend::CalloutCounters>());
  metrics.watch("gangway_delivery_backlog_bytes", "gauge", "Backlog.", [] { return 1; });
  metrics.watch("gangway_nats_dropped_total", "counter", "Dropped.", [] { return 2; });
  // gangway_connections (open now) predates this check; renaming it would
  // break dashboards, so it is the one clash allowed.
  auto problems = problems_in(metrics.render(), {"gangway_connections"});
  for (const auto& p : problems) ADD_FAILURE() << p;
}

// What the gateway sheds under overload, and why (docs/architecture.md, "Overload").
TEST(Metrics, SheddingIsCountedPerAppAndReason) {
  Metrics metrics;
  auto& app = metrics.app("tribe");
  app.events_dropped_backlog = 3;
  app.events_dropped_late = 5;
  app.deliveries_dropped = 7;
  app.slow_consumers = 2;
  std::uint64_t nats_dropped = 11;
  metrics.watch("gangway_nats_dropped_total", "counter", "Dropped by nats.c.", [&] { return nats_dropped; });
  nats_dropped = 13;  // read at render time, not when watched
  auto text = metrics.render();
  for (const char* sample : {
           "gangway_events_dropped_total{app=\"tribe\",reason=\"backlog_full\"} 3\n",
           "gangway_events_dropped_total{app=\"tribe\",reason=\"late\"} 5\n",
           "gangway_deliveries_dropped_total{app=\"tribe\"} 7\n",
           "gangway_slow_consumers_total{app=\"tribe\"} 2\n",
           "# TYPE gangway_nats_dropped_total counter\ngangway_nats_dropped_total 13\n",
       })
    EXPECT_NE(text.find(sample), std::string::npos) << sample;
}

TEST(Metrics, TheCheckCatchesBadNames) {
  auto problems = problems_in(
      "# TYPE a_total counter\na_total 1\n# TYPE a gauge\na 1\n# TYPE b counter\nb 1\nc 1\n"
      "# TYPE b counter\n",
      {});
  // a clashes; b lacks _total (at each of its two declarations) and is declared twice; c has no TYPE.
  EXPECT_EQ(problems.size(), 5u);
}

}  // namespace
}  // namespace gangway
