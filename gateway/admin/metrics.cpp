#include "gateway/admin/metrics.hpp"

#include "gateway/admin/process_stats.hpp"

namespace gangway {
namespace {

using Type = Exposition::Type;

std::uint64_t load(const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); }

std::string app_label(const std::string& app) { return Exposition::label("app", app); }

}  // namespace

AppMetrics& Metrics::app(const std::string& name) {
  std::lock_guard lock(mu_);
  auto& slot = apps_[name];
  if (!slot) slot = std::make_unique<AppMetrics>();
  return *slot;
}

void Metrics::error(const std::string& app, std::string_view code) {
  std::lock_guard lock(mu_);
  auto& slot = errors_[{app, std::string(code)}];
  if (!slot) slot = std::make_unique<std::atomic<std::uint64_t>>(0);
  slot->fetch_add(1, std::memory_order_relaxed);
}

void Metrics::callout(const std::string& app, const std::string& name, std::string_view outcome,
                      std::chrono::nanoseconds took) {
  std::lock_guard lock(mu_);
  auto& slot = callouts_[{app, name, std::string(outcome)}];
  if (!slot) slot = std::make_unique<std::atomic<std::uint64_t>>(0);
  slot->fetch_add(1, std::memory_order_relaxed);
  auto& seconds = callout_seconds_[{app, name}];
  if (!seconds) seconds = std::make_unique<Histogram>(Histogram::request_bounds());
  seconds->observe(took);
}

void Metrics::watch_callouts(const std::string& app, std::shared_ptr<const backend::CalloutCounters> counters) {
  std::lock_guard lock(mu_);
  callout_clients_.emplace_back(app, std::move(counters));
}

void Metrics::watch_backlog(std::function<std::uint64_t()> read) {
  std::lock_guard lock(mu_);
  backlog_ = std::move(read);
}

void Metrics::watch_nats(const std::string& connection, std::function<NatsCounts()> read) {
  std::lock_guard lock(mu_);
  nats_.emplace_back(connection, std::move(read));
}

void Metrics::watch_outbox(std::function<OutboxStats()> read) {
  std::lock_guard lock(mu_);
  outbox_ = std::move(read);
}

void Metrics::render_apps(Exposition& out) const {
  // One family at a time, every app's series in it.
  auto family = [&](const char* name, Type type, const char* help, auto value_of) {
    out.family(name, type, help);
    for (const auto& [app, m] : apps_) out.sample(app_label(app), value_of(*m));
  };
  family("gangway_connections_open", Type::gauge, "Open WebSocket connections.",
         [](const AppMetrics& m) { return m.connections.load(std::memory_order_relaxed); });
  family("gangway_connections", Type::counter, "WebSocket connections accepted.",
         [](const AppMetrics& m) { return load(m.connections_total); });
  family("gangway_accept_errors", Type::counter,
         "Failed TCP accepts (out of file descriptors, mostly); each pauses that loop's acceptor for 100 ms.",
         [](const AppMetrics& m) { return load(m.accept_errors); });
  family("gangway_upgrades_refused", Type::counter, "Upgrades refused by authentication or authorization.",
         [](const AppMetrics& m) { return load(m.upgrades_refused); });
  out.family("gangway_upgrade_duration_seconds", Type::histogram,
             "From an upgrade request's first read to the WebSocket accepted, authentication and open checks "
             "included; accepted upgrades only.");
  for (const auto& [app, m] : apps_) out.histogram(app_label(app), m->upgrade_seconds.snapshot());
  family("gangway_frames_in", Type::counter, "Frames received from clients.",
         [](const AppMetrics& m) { return load(m.frames_in); });
  family("gangway_frames_out", Type::counter, "Frames written to clients.",
         [](const AppMetrics& m) { return load(m.frames_out); });
  family("gangway_bytes_out", Type::counter, "Bytes of frames written to clients.",
         [](const AppMetrics& m) { return load(m.bytes_out); });
  family("gangway_slow_consumers", Type::counter,
         "Sockets closed (1008) as slow consumers: their write queue was full, or a write was stuck while they "
         "shed events.",
         [](const AppMetrics& m) { return load(m.slow_consumers); });
  family("gangway_reads_paused", Type::counter,
         "Times a socket was not read for a while: limits.max_queued_frames of its frames waited behind an action "
         "in flight (an authorization callout, a store).",
         [](const AppMetrics& m) { return load(m.reads_paused); });
  family("gangway_deliveries_dropped", Type::counter,
         "Events not written to a socket that was more than delivery.max_delay_ms behind (one per socket).",
         [](const AppMetrics& m) { return load(m.deliveries_dropped); });
  out.family("gangway_events_dropped", Type::counter,
             "gw.out events a loop dropped under overload, once per loop: its backlog was full (backlog_full) or "
             "the event waited past half of delivery.max_delay_ms (late).");
  for (const auto& [app, m] : apps_) {
    out.sample(app_label(app) + "," + Exposition::label("reason", "backlog_full"), load(m->events_dropped_backlog));
    out.sample(app_label(app) + "," + Exposition::label("reason", "late"), load(m->events_dropped_late));
  }
  family("gangway_bus_messages", Type::counter, "Messages on gw.out subjects parsed for local sockets (once each).",
         [](const AppMetrics& m) { return load(m.bus_messages); });
  family("gangway_bus_bad_messages", Type::counter, "gw.out messages whose body did not parse.",
         [](const AppMetrics& m) { return load(m.bus_bad_messages); });
  out.family("gangway_publish_to_write_seconds", Type::histogram,
             "From a gw.out message's arrival from NATS to the end of its first socket write on each I/O loop "
             "(one observation per message per loop).");
  for (const auto& [app, m] : apps_) out.histogram(app_label(app), m->publish_to_write_seconds.snapshot());
  family("gangway_tokens_expired", Type::counter, "Sockets closed because their token expired.",
         [](const AppMetrics& m) { return load(m.tokens_expired); });
  family("gangway_disconnected", Type::counter, "Sockets closed by a disconnect on the control subjects or the admin API.",
         [](const AppMetrics& m) { return load(m.disconnected); });
}

void Metrics::render_callouts(Exposition& out) const {
  out.family("gangway_errors", Type::counter, "Error frames and refusals sent to clients, by code.");
  for (const auto& [key, v] : errors_)
    out.sample(app_label(key.first) + "," + Exposition::label("code", key.second), load(*v));
  out.family("gangway_callouts", Type::counter, "Backend callouts by outcome.");
  for (const auto& [key, v] : callouts_)
    out.sample(app_label(std::get<0>(key)) + "," + Exposition::label("callout", std::get<1>(key)) + "," +
                   Exposition::label("outcome", std::get<2>(key)),
               load(*v));
  out.family("gangway_callout_duration_seconds", Type::histogram,
             "How long a callout's caller waited for its answer, queue and request included.");
  for (const auto& [key, h] : callout_seconds_)
    out.histogram(app_label(key.first) + "," + Exposition::label("callout", key.second), h->snapshot());
}

void Metrics::render_callout_clients(Exposition& out) const {
  using Counters = backend::CalloutCounters;
  using Read = std::uint64_t (*)(const Counters&);
  auto family = [&](const char* name, Type type, const char* help, const char* label,
                    std::initializer_list<std::pair<const char*, Read>> series) {
    out.family(name, type, help);
    for (const auto& [app, c] : callout_clients_)
      for (const auto& [value, read] : series)
        out.sample(app_label(app) + (label ? "," + Exposition::label(label, value) : ""), read(*c));
  };
  family("gangway_callout_queued", Type::gauge, "Callouts waiting for a worker now.", nullptr,
         {{"", [](const Counters& c) { return std::uint64_t(c.queued.load(std::memory_order_relaxed)); }}});
  family("gangway_callout_expired", Type::counter,
         "Callouts whose deadline passed: in the queue (never sent) or in the request (aborted).", "where",
         {{"queue", [](const Counters& c) { return load(c.expired_in_queue); }},
          {"request", [](const Counters& c) { return load(c.expired_in_flight); }}});
  family("gangway_callout_cancelled", Type::counter, "Callouts withdrawn by their socket before being sent.", nullptr,
         {{"", [](const Counters& c) { return load(c.cancelled); }}});
  family("gangway_callout_rejected", Type::counter,
         "Callouts failed at once without reaching the backend: its queue was full or its breaker open.", "reason",
         {{"queue_full", [](const Counters& c) { return load(c.rejected_queue_full); }},
          {"breaker_open", [](const Counters& c) { return load(c.rejected_breaker_open); }}});
  family("gangway_callout_breaker_state", Type::gauge, "The backend's circuit breaker: 0 closed, 1 open, 2 half-open.",
         nullptr,
         {{"", [](const Counters& c) { return std::uint64_t(c.breaker_state.load(std::memory_order_relaxed)); }}});
  family("gangway_callout_breaker_opens", Type::counter, "Times the backend's circuit breaker opened.", nullptr,
         {{"", [](const Counters& c) { return load(c.breaker_opens); }}});
}

void Metrics::render_nats(Exposition& out) const {
  out.family("gangway_nats_connected", Type::gauge, "1 while both NATS connections are up.");
  out.sample("", std::uint64_t{nats_connected() ? 1u : 0u});
  if (backlog_) {
    out.family("gangway_delivery_backlog_bytes", Type::gauge,
               "Bytes of gw.out events handed to the I/O loops and not yet delivered (all loops).");
    out.sample("", backlog_());
  }
  std::vector<std::pair<std::string, NatsCounts>> counts;
  for (const auto& [connection, read] : nats_) counts.emplace_back(connection, read());
  auto family = [&](const char* name, const char* help, std::uint64_t NatsCounts::*field) {
    out.family(name, Type::counter, help);
    for (const auto& [connection, c] : counts) out.sample(Exposition::label("connection", connection), c.*field);
  };
  family("gangway_nats_slow_consumer",
         "Times one of the connection's subscriptions passed its pending limit (nats.c then drops messages).",
         &NatsCounts::slow_consumer_events);
  family("gangway_nats_dropped", "Messages nats.c dropped for the connection's slow subscriptions.",
         &NatsCounts::dropped_messages);
  family("gangway_nats_reconnects", "Times the connection was re-established after a loss.", &NatsCounts::reconnects);
}

void Metrics::render_outbox(Exposition& out) const {
  if (!outbox_) return;
  const OutboxStats s = outbox_();
  auto one = [&](const char* name, Type type, const char* help, std::uint64_t value) {
    out.family(name, type, help);
    out.sample("", value);
  };
  one("gangway_outbox_kept", Type::gauge, "Stored messages' publishes kept while the bus is down.", s.kept);
  one("gangway_outbox_kept_bytes", Type::gauge, "Bytes of the kept publishes (bounded by nats.outbox_bytes).",
      s.kept_bytes);
  one("gangway_outbox_stores_in_flight", Type::gauge, "Stores whose answer has not come yet.", s.pending);
  one("gangway_outbox_retried", Type::counter, "Kept publishes the bus took later.", s.retried);
  one("gangway_outbox_dropped", Type::counter, "Publishes of stored messages dropped past the bound.", s.dropped);
}

std::string Metrics::render(MetricsFormat format) const {
  Exposition out(format);
  {
    std::lock_guard lock(mu_);
    render_apps(out);
    render_callouts(out);
    render_callout_clients(out);
    render_nats(out);
    render_outbox(out);
    render_passthroughs(out);
  }
  render_process_metrics(out);
  return out.finish();
}

}  // namespace gangway
