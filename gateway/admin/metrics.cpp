#include "gateway/admin/metrics.hpp"

#include <functional>
#include <sstream>
#include <tuple>

namespace gangway {

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

void Metrics::callout(const std::string& app, const std::string& name, std::string_view outcome) {
  std::lock_guard lock(mu_);
  auto& slot = callouts_[{app, name, std::string(outcome)}];
  if (!slot) slot = std::make_unique<std::atomic<std::uint64_t>>(0);
  slot->fetch_add(1, std::memory_order_relaxed);
}

void Metrics::watch_callouts(const std::string& app, std::shared_ptr<const backend::CalloutCounters> counters) {
  std::lock_guard lock(mu_);
  callout_clients_.emplace_back(app, std::move(counters));
}

// Under mu_.
void Metrics::render_callout_clients(std::ostream& out) const {
  using Counters = backend::CalloutCounters;
  auto family = [&](const char* name, const char* type, const char* help, const char* label,
                    std::initializer_list<std::pair<const char*, std::function<std::uint64_t(const Counters&)>>> series) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    for (const auto& [app, c] : callout_clients_)
      for (const auto& [value, read] : series) {
        out << name << "{app=\"" << app << '"';
        if (label) out << ',' << label << "=\"" << value << '"';
        out << "} " << read(*c) << '\n';
      }
  };
  auto load = [](const auto& a) { return static_cast<std::uint64_t>(a.load(std::memory_order_relaxed)); };
  family("gangway_callout_queued", "gauge", "Callouts waiting for a worker now.", nullptr,
         {{"", [&](const Counters& c) { return load(c.queued); }}});
  family("gangway_callout_expired_total", "counter",
         "Callouts whose deadline passed: in the queue (never sent) or in the request (aborted).", "where",
         {{"queue", [&](const Counters& c) { return load(c.expired_in_queue); }},
          {"request", [&](const Counters& c) { return load(c.expired_in_flight); }}});
  family("gangway_callout_cancelled_total", "counter", "Callouts withdrawn by their socket before being sent.",
         nullptr, {{"", [&](const Counters& c) { return load(c.cancelled); }}});
  family("gangway_callout_rejected_total", "counter",
         "Callouts failed at once without reaching the backend: its queue was full or its breaker open.", "reason",
         {{"queue_full", [&](const Counters& c) { return load(c.rejected_queue_full); }},
          {"breaker_open", [&](const Counters& c) { return load(c.rejected_breaker_open); }}});
  family("gangway_callout_breaker_state", "gauge", "The backend's circuit breaker: 0 closed, 1 open, 2 half-open.",
         nullptr, {{"", [&](const Counters& c) { return load(c.breaker_state); }}});
  family("gangway_callout_breaker_opens_total", "counter", "Times the backend's circuit breaker opened.", nullptr,
         {{"", [&](const Counters& c) { return load(c.breaker_opens); }}});
}

void Metrics::watch_outbox(std::function<OutboxStats()> read) {
  std::lock_guard lock(mu_);
  outbox_ = std::move(read);
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::lock_guard lock(mu_);
  auto family = [&](const char* name, const char* type, const char* help, auto value_of) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    for (const auto& [app, m] : apps_) out << name << "{app=\"" << app << "\"} " << value_of(*m) << '\n';
  };
  auto load = [](const auto& a) { return a.load(std::memory_order_relaxed); };
  family("gangway_connections", "gauge", "Open WebSocket connections.",
         [&](const AppMetrics& m) { return load(m.connections); });
  family("gangway_connections_total", "counter", "WebSocket connections accepted.",
         [&](const AppMetrics& m) { return load(m.connections_total); });
  family("gangway_accept_errors_total", "counter",
         "Failed TCP accepts (out of file descriptors, mostly); each pauses that loop's acceptor for 100 ms.",
         [&](const AppMetrics& m) { return load(m.accept_errors); });
  family("gangway_upgrades_refused_total", "counter", "Upgrades refused by authentication or authorization.",
         [&](const AppMetrics& m) { return load(m.upgrades_refused); });
  family("gangway_frames_in_total", "counter", "Frames received from clients.",
         [&](const AppMetrics& m) { return load(m.frames_in); });
  family("gangway_frames_out_total", "counter", "Frames written to clients.",
         [&](const AppMetrics& m) { return load(m.frames_out); });
  family("gangway_bytes_out_total", "counter", "Bytes of frames written to clients.",
         [&](const AppMetrics& m) { return load(m.bytes_out); });
  family("gangway_slow_consumers_total", "counter", "Sockets dropped because their write queue was full.",
         [&](const AppMetrics& m) { return load(m.slow_consumers); });
  family("gangway_bus_messages_total", "counter", "Messages on gw.out subjects parsed for local sockets (once each).",
         [&](const AppMetrics& m) { return load(m.bus_messages); });
  family("gangway_bus_bad_messages_total", "counter", "gw.out messages whose body did not parse.",
         [&](const AppMetrics& m) { return load(m.bus_bad_messages); });
  out << "# HELP gangway_errors_total Error frames and refusals sent to clients, by code.\n"
         "# TYPE gangway_errors_total counter\n";
  for (const auto& [key, v] : errors_)
    out << "gangway_errors_total{app=\"" << key.first << "\",code=\"" << key.second << "\"} " << load(*v) << '\n';
  out << "# HELP gangway_callouts_total Backend callouts by outcome.\n# TYPE gangway_callouts_total counter\n";
  for (const auto& [key, v] : callouts_)
    out << "gangway_callouts_total{app=\"" << std::get<0>(key) << "\",callout=\"" << std::get<1>(key)
        << "\",outcome=\"" << std::get<2>(key) << "\"} " << load(*v) << '\n';
  render_callout_clients(out);
  out << "# HELP gangway_nats_connected 1 while both NATS connections are up.\n# TYPE gangway_nats_connected gauge\n"
      << "gangway_nats_connected " << (nats_connected() ? 1 : 0) << '\n';
  if (outbox_) {
    const OutboxStats s = outbox_();
    auto one = [&](const char* name, const char* type, const char* help, std::uint64_t value) {
      out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n' << name << ' ' << value << '\n';
    };
    one("gangway_outbox_kept", "gauge", "Stored messages' publishes kept while the bus is down.", s.kept);
    one("gangway_outbox_kept_bytes", "gauge", "Bytes of the kept publishes (bounded by nats.outbox_bytes).", s.kept_bytes);
    one("gangway_outbox_stores_in_flight", "gauge", "Stores whose answer has not come yet.", s.pending);
    one("gangway_outbox_retried_total", "counter", "Kept publishes the bus took later.", s.retried);
    one("gangway_outbox_dropped_total", "counter", "Publishes of stored messages dropped past the bound.", s.dropped);
  }
  return out.str();
}

}  // namespace gangway
