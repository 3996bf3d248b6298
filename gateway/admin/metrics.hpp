#pragma once
// Counters for /metrics (Prometheus text format). Updated from any thread with
// relaxed atomics; the only lock is taken when an app or error code is first seen.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/backend/callout_counters.hpp"

namespace gangway {

struct AppMetrics {
  std::atomic<std::int64_t> connections{0};         // open now
  std::atomic<std::uint64_t> connections_total{0};  // accepted since start
  std::atomic<std::uint64_t> accept_errors{0};      // failed accepts (each pauses its acceptor)
  std::atomic<std::uint64_t> upgrades_refused{0};   // refused before or right after the upgrade
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> frames_out{0};
  std::atomic<std::uint64_t> bytes_out{0};
  std::atomic<std::uint64_t> slow_consumers{0};  // dropped for a full write queue
  std::atomic<std::uint64_t> bus_messages{0};    // gw.out messages parsed for local sockets (once each)
  std::atomic<std::uint64_t> bus_bad_messages{0};  // gw.out bodies that did not parse
};

class Metrics {
 public:
  AppMetrics& app(const std::string& name);
  void error(const std::string& app, std::string_view code);  // an error frame or refusal, by code
  void callout(const std::string& app, const std::string& name, std::string_view outcome);
  // An app's callout client: its queue and breaker counters are rendered with the rest.
  void watch_callouts(const std::string& app, std::shared_ptr<const backend::CalloutCounters> counters);
  // The outbox of stored messages' publishes (gateway/bus/outbox.hpp), read at each render.
  struct OutboxStats {
    std::uint64_t kept = 0, kept_bytes = 0, pending = 0, retried = 0, dropped = 0;
  };
  void watch_outbox(std::function<OutboxStats()> read);
  void set_nats_connected(bool up) { nats_connected_.store(up, std::memory_order_relaxed); }
  bool nats_connected() const { return nats_connected_.load(std::memory_order_relaxed); }
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<AppMetrics>> apps_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<std::atomic<std::uint64_t>>> errors_;
  std::map<std::tuple<std::string, std::string, std::string>, std::unique_ptr<std::atomic<std::uint64_t>>> callouts_;
  std::vector<std::pair<std::string, std::shared_ptr<const backend::CalloutCounters>>> callout_clients_;
  std::atomic<bool> nats_connected_{false};
  std::function<OutboxStats()> outbox_;

  void render_callout_clients(std::ostream& out) const;
};

}  // namespace gangway
