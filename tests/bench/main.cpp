// gangway-load: opens N subscribed sockets against a gangway app, publishes on
// NATS, and reports connect rate, deliveries/s, latency percentiles and the
// gateway's resident memory per idle socket. See docs/performance.md.
#include <csignal>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include "gateway/core/open_files.hpp"
#include "tests/bench/allow_backend.hpp"
#include "tests/bench/clients.hpp"
#include "tests/bench/options.hpp"
#include "tests/bench/publisher.hpp"
#include "tests/bench/report.hpp"
#include "tests/bench/script.hpp"

namespace gb = gangway::bench;

namespace {

void print(const gb::RunReport& r, bool quiet) {
  if (!quiet) std::cout << r.human();
  std::cout << r.to_json().dump() << std::endl;
}

int merge(const gb::Options& o) {
  std::optional<gb::RunReport> total;
  for (const auto& file : o.merge_files) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << "gangway-load: cannot read " << file << "\n";
      return 1;
    }
    std::string line, last;
    while (std::getline(in, line))
      if (!line.empty() && line.front() == '{') last = line;  // a run's JSON line is its last
    auto j = nlohmann::json::parse(last, nullptr, false);
    if (!j.is_object()) {
      std::cerr << "gangway-load: no JSON line in " << file << "\n";
      return 1;
    }
    auto r = gb::RunReport::from_json(j);
    if (total)
      total->merge(r);
    else
      total = r;
  }
  print(*total, o.quiet);
  return 0;
}

int serve_only(const gb::Options& o) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  gb::AllowBackend backend(o.allow_backend_port);
  std::cerr << "gangway-load: allow-all backend on 127.0.0.1:" << o.allow_backend_port << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  std::cerr << "gangway-load: backend answered " << backend.requests() << " requests" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  gb::Options o = gb::parse_options(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);
  std::size_t open_files = gangway::prepare_open_files(0);  // the limit only; each fleet sizes its table
  if (!o.merge_files.empty()) return merge(o);
  if (o.serve_only) return serve_only(o);

  std::size_t per_proc = (o.sockets + o.procs - 1) / o.procs;
  if (per_proc + 64 > open_files) {
    std::cerr << "gangway-load: " << per_proc << " sockets per process exceed the open-files limit " << open_files
              << "; use --procs\n";
    return 2;
  }
  std::string error;
  auto script = gb::make_script(o, error);
  if (!script) {
    std::cerr << "gangway-load: " << error << "\n";
    return 2;
  }
  auto log = [&](const std::string& s) {
    if (!o.quiet) std::cerr << "gangway-load: " << s << std::endl;
  };

  // Fork the client processes before this process starts any thread.
  auto clients = gb::make_clients(o, *script);
  if (!clients) return 1;
  std::unique_ptr<gb::AllowBackend> backend;
  try {
    if (o.allow_backend_port) backend = std::make_unique<gb::AllowBackend>(o.allow_backend_port);
  } catch (const std::exception& e) {
    std::cerr << "gangway-load: " << e.what() << "\n";
    return 1;
  }

  gb::RunReport run;
  run.dialect = script->name();
  run.sockets = o.sockets;
  run.rooms = o.rooms;
  run.procs = o.procs;
  run.threads = o.threads;
  run.rate = o.rate;
  run.duration_s = o.duration_s;
  run.payload_bytes = script->body(0, gb::realtime_ns()).size();
  run.deflate = o.deflate;
  run.rss_before_kib = gb::vm_rss_kib(o.gateway_pid);

  log("opening " + std::to_string(o.sockets) + " sockets");
  clients->start();
  std::uint64_t subscribed = clients->wait_setup(std::chrono::seconds(o.setup_timeout_s));
  log(std::to_string(subscribed) + " subscribed; settling " + std::to_string(o.idle_settle_ms) + " ms");
  std::this_thread::sleep_for(std::chrono::milliseconds(o.idle_settle_ms));
  run.rss_idle_kib = gb::vm_rss_kib(o.gateway_pid);

  if (subscribed == 0) o.duration_s = 0;  // nothing to measure; still report what failed
  log(o.count ? "publishing " + std::to_string(o.count) + " events"
              : "publishing for " + std::to_string(static_cast<int>(o.duration_s)) + " s");
  std::vector<int> client_pids = clients->pids();
  auto cpu_of = [](const std::vector<int>& pids) {
    double s = 0;
    for (int pid : pids) s += gb::cpu_seconds(pid);
    return s;
  };
  double gw_cpu0 = gb::cpu_seconds(o.gateway_pid), clients_cpu0 = cpu_of(client_pids);
  gb::PublishResult pub = gb::publish_round_robin(o, *script);
  run.gateway_cpu_s = gb::cpu_seconds(o.gateway_pid) - gw_cpu0;
  run.clients_cpu_s = cpu_of(client_pids) - clients_cpu0;
  if (!pub.error.empty()) std::cerr << "gangway-load: " << pub.error << "\n";
  run.published = pub.published;
  run.publish_errors = pub.errors;
  run.publish_start_ns = pub.start_ns;
  run.publish_end_ns = pub.end_ns;
  log("published " + std::to_string(pub.published) + "; draining");
  run.rss_after_kib = gb::vm_rss_kib(o.gateway_pid);
  run.fleet = clients->finish(pub.published, std::chrono::milliseconds(o.drain_ms),
                              std::chrono::seconds(o.drain_max_s));
  clients.reset();
  run.gateway_peak_kib = gb::vm_hwm_kib(o.gateway_pid);
  run.bus_peak_kib = gb::vm_hwm_kib(o.bus_pid);
  if (backend) log("allow-all backend answered " + std::to_string(backend->requests()) + " requests");
  print(run, o.quiet);
  return run.fleet.subscribed == o.sockets && pub.error.empty() ? 0 : 3;
}
