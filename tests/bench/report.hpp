#pragma once
// What a run measured: per client process (FleetReport), per run (RunReport),
// the derived figures, the human summary and the one JSON line. Reports of
// separate processes or runs merge (sums, min/max of times, histograms).
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/bench/histogram.hpp"

namespace gangway::bench {

struct FleetReport {
  std::uint64_t attempted = 0;     // sockets this process tried to open
  std::uint64_t upgraded = 0;      // got 101 Switching Protocols
  std::uint64_t subscribed = 0;    // got the dialect's subscribe confirmation
  std::uint64_t closed_early = 0;  // subscribed, then closed by the server before the end
  std::uint64_t received = 0;      // events delivered to subscribed sockets
  std::uint64_t expected = 0;      // events that should have reached them
  std::int64_t start_ns = 0;       // CLOCK_REALTIME of the first connect
  std::int64_t last_upgrade_ns = 0;
  std::int64_t last_subscribed_ns = 0;
  std::int64_t first_recv_ns = 0;
  std::int64_t last_recv_ns = 0;
  std::map<std::string, std::uint64_t> errors;  // reason -> sockets
  std::uint64_t deflate_accepted = 0;           // upgrades whose 101 agreed to permessage-deflate
  Histogram latency;                            // publish -> delivery, ns
  Histogram setup;                              // connect start -> subscribed, ns

  void merge(const FleetReport& other);
  nlohmann::json to_json() const;
  static FleetReport from_json(const nlohmann::json& j);
};

struct RunReport {
  std::string dialect;
  std::uint64_t sockets = 0, rooms = 0, procs = 0, threads = 0;
  double rate = 0, duration_s = 0;
  std::uint64_t payload_bytes = 0;
  bool deflate = false;  // the sockets offered permessage-deflate
  std::uint64_t published = 0, publish_errors = 0;
  std::int64_t publish_start_ns = 0, publish_end_ns = 0;
  std::int64_t rss_before_kib = 0, rss_idle_kib = 0, rss_after_kib = 0;  // gateway VmRSS; 0 = unknown
  std::int64_t gateway_peak_kib = 0, bus_peak_kib = 0;  // VmHWM at the end: the gateway's, its nats-server's
  double gateway_cpu_s = 0, clients_cpu_s = 0;  // CPU time used while publishing (user + system)
  FleetReport fleet;

  void merge(const RunReport& other);
  // The derived figures plus the raw report (so that --merge can redo them).
  nlohmann::json to_json() const;
  static RunReport from_json(const nlohmann::json& j);
  std::string human() const;
};

std::int64_t realtime_ns();
// VmRSS of /proc/<pid>/status in KiB, 0 if unreadable.
std::int64_t vm_rss_kib(int pid);
// VmHWM (the peak of VmRSS over the process's life) in KiB, 0 if unreadable.
std::int64_t vm_hwm_kib(int pid);
// utime + stime of /proc/<pid>/stat in seconds (all threads), 0 if unreadable.
double cpu_seconds(int pid);

}  // namespace gangway::bench
