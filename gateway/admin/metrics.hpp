#pragma once
// What /metrics shows (docs/operations.md lists every metric): counters,
// gauges and latency histograms per app, the callout clients', the NATS
// connections', the process's and the build's. Updated from any thread with
// relaxed atomics; the only lock is taken when an app, error code or callout
// is first seen, per callout answer (callouts are network round trips), and
// while rendering.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "gateway/admin/exposition.hpp"
#include "gateway/admin/histogram.hpp"
#include "gateway/backend/callout_counters.hpp"
#include "gateway/proxy/counters.hpp"

namespace gangway {

struct AppMetrics {
  std::atomic<std::int64_t> connections{0};         // open now (gangway_connections_open)
  std::atomic<std::uint64_t> connections_total{0};  // accepted since start
  std::atomic<std::uint64_t> accept_errors{0};      // failed accepts (each pauses its acceptor)
  std::atomic<std::uint64_t> upgrades_refused{0};   // refused before or right after the upgrade
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> frames_out{0};
  std::atomic<std::uint64_t> bytes_out{0};
  std::atomic<std::uint64_t> slow_consumers{0};  // closed (1008): write queue full, or writes stuck while shedding
  std::atomic<std::uint64_t> reads_paused{0};  // a socket's queue of frames waiting behind an action was full
  std::atomic<std::uint64_t> deliveries_dropped{0};  // events not written to a socket that was too far behind
  std::atomic<std::uint64_t> bus_messages{0};    // gw.out messages parsed for local sockets (once each)
  std::atomic<std::uint64_t> bus_bad_messages{0};  // gw.out bodies that did not parse
  // gw.out events a loop did not deliver under overload (fanout/backlog.hpp),
  // once per loop that had members: its backlog was full, or the event waited too long.
  std::atomic<std::uint64_t> events_dropped_backlog{0};
  std::atomic<std::uint64_t> events_dropped_late{0};
  // From the upgrade request's first read to the WebSocket accepted
  // (authentication and open checks included); accepted upgrades only.
  Histogram upgrade_seconds{Histogram::request_bounds()};
  // From a gw.out message's arrival (the NATS client's delivery) to the end
  // of its first write on each loop that has recipients: one observation per
  // event per loop, not per socket (frame.hpp, FrameBytes::first_written_on).
  Histogram publish_to_write_seconds{Histogram::delivery_bounds()};
  std::atomic<std::uint64_t> tokens_expired{0};    // sockets closed because their token expired
  std::atomic<std::uint64_t> disconnected{0};      // sockets closed by a disconnect (NATS control, admin API)
};

// A NATS connection's counters, read at each scrape.
struct NatsCounts {
  std::uint64_t slow_consumer_events = 0;  // times a subscription crossed its pending limit
  std::uint64_t dropped_messages = 0;      // messages nats.c dropped for slow subscriptions
  std::uint64_t reconnects = 0;
};

class Metrics {
 public:
  AppMetrics& app(const std::string& name);
  void error(const std::string& app, std::string_view code);  // an error frame or refusal, by code
  // A callout's answer: its outcome ("allowed", "denied", "unavailable") and
  // how long the caller waited for it (queue and request).
  void callout(const std::string& app, const std::string& name, std::string_view outcome,
               std::chrono::nanoseconds took);
  // An app's callout client: its queue and breaker counters are rendered with the rest.
  void watch_callouts(const std::string& app, std::shared_ptr<const backend::CalloutCounters> counters);
  // The outbox of stored messages' publishes (gateway/bus/outbox.hpp), read at each render.
  struct OutboxStats {
    std::uint64_t kept = 0, kept_bytes = 0, pending = 0, retried = 0, dropped = 0;
  };
  void watch_outbox(std::function<OutboxStats()> read);
  // An app's HTTP pass-through (passthrough_metrics.cpp).
  void watch_passthrough(const std::string& app, std::shared_ptr<const proxy::Counters> counters);
  // A NATS connection ("main", "no_echo"): `read` is called at each scrape,
  // on the admin thread, while the Metrics live.
  void watch_nats(const std::string& connection, std::function<NatsCounts()> read);
  // The bytes of gw.out events the I/O loops hold and have not delivered yet
  // (docs/architecture.md, "Overload"), read on the admin thread at each
  // render; `read` must stay callable for the Metrics' life. Before serving starts.
  void watch_backlog(std::function<std::uint64_t()> read);
  void set_nats_connected(bool up) { nats_connected_.store(up, std::memory_order_relaxed); }
  bool nats_connected() const { return nats_connected_.load(std::memory_order_relaxed); }
  // Any thread (the admin thread, in the gateway).
  std::string render(MetricsFormat format = MetricsFormat::prometheus) const;

 private:
  using Counter = std::unique_ptr<std::atomic<std::uint64_t>>;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<AppMetrics>> apps_;
  std::map<std::pair<std::string, std::string>, Counter> errors_;
  std::map<std::tuple<std::string, std::string, std::string>, Counter> callouts_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Histogram>> callout_seconds_;
  std::vector<std::pair<std::string, std::shared_ptr<const backend::CalloutCounters>>> callout_clients_;
  std::vector<std::pair<std::string, std::shared_ptr<const proxy::Counters>>> passthroughs_;
  std::vector<std::pair<std::string, std::function<NatsCounts()>>> nats_;
  std::function<std::uint64_t()> backlog_;
  std::atomic<bool> nats_connected_{false};
  std::function<OutboxStats()> outbox_;

  // Under mu_ (metrics.cpp; passthrough_metrics.cpp).
  void render_apps(Exposition& out) const;
  void render_callouts(Exposition& out) const;
  void render_callout_clients(Exposition& out) const;
  void render_nats(Exposition& out) const;
  void render_outbox(Exposition& out) const;
  void render_passthroughs(Exposition& out) const;
};

}  // namespace gangway
