#include "tests/bench/report.hpp"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>

namespace gangway::bench {
namespace {

using nlohmann::json;

std::int64_t min_nonzero(std::int64_t a, std::int64_t b) { return a == 0 ? b : b == 0 ? a : std::min(a, b); }

double seconds(std::int64_t from_ns, std::int64_t to_ns) {
  return (from_ns && to_ns > from_ns) ? static_cast<double>(to_ns - from_ns) / 1e9 : 0.0;
}

double per_second(std::uint64_t n, double s) { return s > 0 ? static_cast<double>(n) / s : 0.0; }

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

double round3(double v) {
  return static_cast<double>(static_cast<std::int64_t>(v * 1000 + (v < 0 ? -0.5 : 0.5))) / 1000;
}

}  // namespace

std::int64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

namespace {
std::int64_t status_kib(int pid, std::string_view field) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::atoll(line.c_str() + field.size());
  }
  return 0;
}
}  // namespace

std::int64_t vm_rss_kib(int pid) { return status_kib(pid, "VmRSS:"); }
std::int64_t vm_hwm_kib(int pid) { return status_kib(pid, "VmHWM:"); }

double cpu_seconds(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = stat.rfind(')');  // the command name may hold spaces
  if (paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(paren + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // state .. cmajflt
  unsigned long long utime = 0, stime = 0;
  fields >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void FleetReport::merge(const FleetReport& o) {
  attempted += o.attempted;
  upgraded += o.upgraded;
  subscribed += o.subscribed;
  closed_early += o.closed_early;
  received += o.received;
  expected += o.expected;
  deflate_accepted += o.deflate_accepted;
  start_ns = min_nonzero(start_ns, o.start_ns);
  last_upgrade_ns = std::max(last_upgrade_ns, o.last_upgrade_ns);
  last_subscribed_ns = std::max(last_subscribed_ns, o.last_subscribed_ns);
  first_recv_ns = min_nonzero(first_recv_ns, o.first_recv_ns);
  last_recv_ns = std::max(last_recv_ns, o.last_recv_ns);
  for (const auto& [k, v] : o.errors) errors[k] += v;
  latency.merge(o.latency);
  setup.merge(o.setup);
}

json FleetReport::to_json() const {
  return {{"attempted", attempted},
          {"upgraded", upgraded},
          {"subscribed", subscribed},
          {"closed_early", closed_early},
          {"received", received},
          {"expected", expected},
          {"deflate_accepted", deflate_accepted},
          {"start_ns", start_ns},
          {"last_upgrade_ns", last_upgrade_ns},
          {"last_subscribed_ns", last_subscribed_ns},
          {"first_recv_ns", first_recv_ns},
          {"last_recv_ns", last_recv_ns},
          {"errors", errors},
          {"latency", latency.to_json()},
          {"setup", setup.to_json()}};
}

FleetReport FleetReport::from_json(const json& j) {
  FleetReport f;
  f.attempted = j.value("attempted", std::uint64_t{0});
  f.upgraded = j.value("upgraded", std::uint64_t{0});
  f.subscribed = j.value("subscribed", std::uint64_t{0});
  f.closed_early = j.value("closed_early", std::uint64_t{0});
  f.received = j.value("received", std::uint64_t{0});
  f.expected = j.value("expected", std::uint64_t{0});
  f.deflate_accepted = j.value("deflate_accepted", std::uint64_t{0});
  f.start_ns = j.value("start_ns", std::int64_t{0});
  f.last_upgrade_ns = j.value("last_upgrade_ns", std::int64_t{0});
  f.last_subscribed_ns = j.value("last_subscribed_ns", std::int64_t{0});
  f.first_recv_ns = j.value("first_recv_ns", std::int64_t{0});
  f.last_recv_ns = j.value("last_recv_ns", std::int64_t{0});
  f.errors = j.value("errors", std::map<std::string, std::uint64_t>{});
  f.latency = Histogram::from_json(j.value("latency", json::object()));
  f.setup = Histogram::from_json(j.value("setup", json::object()));
  return f;
}

void RunReport::merge(const RunReport& o) {
  sockets += o.sockets;
  rooms += o.rooms;
  procs += o.procs;
  rate += o.rate;
  deflate = deflate || o.deflate;
  published += o.published;
  publish_errors += o.publish_errors;
  publish_start_ns = min_nonzero(publish_start_ns, o.publish_start_ns);
  publish_end_ns = std::max(publish_end_ns, o.publish_end_ns);
  // Only meaningful for runs against one gateway at the same time.
  rss_before_kib = min_nonzero(rss_before_kib, o.rss_before_kib);
  rss_idle_kib = std::max(rss_idle_kib, o.rss_idle_kib);
  rss_after_kib = std::max(rss_after_kib, o.rss_after_kib);
  gateway_peak_kib = std::max(gateway_peak_kib, o.gateway_peak_kib);
  bus_peak_kib = std::max(bus_peak_kib, o.bus_peak_kib);
  gateway_cpu_s = std::max(gateway_cpu_s, o.gateway_cpu_s);
  clients_cpu_s += o.clients_cpu_s;
  fleet.merge(o.fleet);
}

json RunReport::to_json() const {
  const FleetReport& f = fleet;
  double setup_s = seconds(f.start_ns, f.last_subscribed_ns);
  double publish_s = seconds(publish_start_ns, publish_end_ns);
  auto pct = [](double cpu, double wall) { return wall >= 0.1 ? 100 * cpu / wall : 0.0; };
  double deliver_s = seconds(publish_start_ns, std::max(f.last_recv_ns, publish_end_ns));
  json out{
      {"dialect", dialect},
      {"sockets", sockets},
      {"rooms", rooms},
      {"procs", procs},
      {"threads", threads},
      {"rate", rate},
      {"duration_s", duration_s},
      {"payload_bytes", payload_bytes},
      {"deflate", deflate},
      {"deflate_accepted", f.deflate_accepted},
      {"upgraded", f.upgraded},
      {"subscribed", f.subscribed},
      {"closed_early", f.closed_early},
      {"upgrades_per_s", round3(per_second(f.upgraded, seconds(f.start_ns, f.last_upgrade_ns)))},
      {"subscribed_per_s", round3(per_second(f.subscribed, setup_s))},
      {"setup_ms",
       {{"p50", round3(ms(f.setup.quantile(0.5)))},
        {"p99", round3(ms(f.setup.quantile(0.99)))},
        {"max", round3(ms(f.setup.max()))}}},
      {"published", published},
      {"publish_errors", publish_errors},
      {"publish_rate", round3(per_second(published, seconds(publish_start_ns, publish_end_ns)))},
      {"expected", f.expected},
      {"received", f.received},
      {"missing", f.expected > f.received ? f.expected - f.received : 0},
      {"extra", f.received > f.expected ? f.received - f.expected : 0},
      {"deliveries_per_s", round3(per_second(f.received, deliver_s))},
      {"latency_ms",
       {{"p50", round3(ms(f.latency.quantile(0.5)))},
        {"p90", round3(ms(f.latency.quantile(0.9)))},
        {"p99", round3(ms(f.latency.quantile(0.99)))},
        {"p999", round3(ms(f.latency.quantile(0.999)))},
        {"max", round3(ms(f.latency.max()))},
        {"mean", round3(f.latency.mean() / 1e6)}}},
      {"gateway_rss_kib",
       {{"before", rss_before_kib}, {"idle", rss_idle_kib}, {"after", rss_after_kib}, {"peak", gateway_peak_kib}}},
      {"bus_peak_rss_kib", bus_peak_kib},
      {"kib_per_idle_socket",
       (rss_before_kib && rss_idle_kib && f.subscribed)
           ? round3(static_cast<double>(rss_idle_kib - rss_before_kib) / static_cast<double>(f.subscribed))
           : 0.0},
      {"cpu_while_publishing_pct",
       {{"gateway", round3(pct(gateway_cpu_s, publish_s))},
        {"load_tool", round3(pct(clients_cpu_s, publish_s))}}},
      {"errors", f.errors},
  };
  out["raw"] = {{"published", published},
                {"publish_errors", publish_errors},
                {"publish_start_ns", publish_start_ns},
                {"publish_end_ns", publish_end_ns},
                {"gateway_cpu_s", gateway_cpu_s},
                {"clients_cpu_s", clients_cpu_s},
                {"fleet", f.to_json()}};
  return out;
}

RunReport RunReport::from_json(const json& j) {
  RunReport r;
  r.dialect = j.value("dialect", "");
  r.sockets = j.value("sockets", std::uint64_t{0});
  r.rooms = j.value("rooms", std::uint64_t{0});
  r.procs = j.value("procs", std::uint64_t{0});
  r.threads = j.value("threads", std::uint64_t{0});
  r.rate = j.value("rate", 0.0);
  r.duration_s = j.value("duration_s", 0.0);
  r.payload_bytes = j.value("payload_bytes", std::uint64_t{0});
  r.deflate = j.value("deflate", false);
  const json& rss = j.value("gateway_rss_kib", json::object());
  r.rss_before_kib = rss.value("before", std::int64_t{0});
  r.rss_idle_kib = rss.value("idle", std::int64_t{0});
  r.rss_after_kib = rss.value("after", std::int64_t{0});
  r.gateway_peak_kib = rss.value("peak", std::int64_t{0});
  r.bus_peak_kib = j.value("bus_peak_rss_kib", std::int64_t{0});
  const json& raw = j.value("raw", json::object());
  r.published = raw.value("published", std::uint64_t{0});
  r.publish_errors = raw.value("publish_errors", std::uint64_t{0});
  r.publish_start_ns = raw.value("publish_start_ns", std::int64_t{0});
  r.publish_end_ns = raw.value("publish_end_ns", std::int64_t{0});
  r.gateway_cpu_s = raw.value("gateway_cpu_s", 0.0);
  r.clients_cpu_s = raw.value("clients_cpu_s", 0.0);
  r.fleet = FleetReport::from_json(raw.value("fleet", json::object()));
  return r;
}

std::string RunReport::human() const {
  json j = to_json();
  const json& l = j["latency_ms"];
  const json& rss = j["gateway_rss_kib"];
  char buf[2048];
  std::snprintf(
      buf, sizeof buf,
      "%s: %llu sockets in %llu room(s), %llu proc(s) x %llu thread(s)\n"
      "  setup      upgraded %llu, subscribed %llu, closed early %llu; %.0f upgrades/s, %.0f subscribed/s"
      " (setup p50 %.1f ms, p99 %.1f ms)\n"
      "  publish    %llu events (%llu errors) at %.1f/s, target %.1f/s for %.1f s, ~%llu B\n"
      "  delivery   %llu of %llu expected (missing %llu, extra %llu), %.0f deliveries/s\n"
      "  latency    p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms  mean %.3f ms\n"
      "  gateway    VmRSS before %lld KiB, idle %lld KiB, after publishing %lld KiB -> %.2f KiB per idle "
      "socket, peak %lld KiB (its nats-server's peak %lld KiB)\n"
      "  cpu        while publishing: gateway %.0f%%, load tool %.0f%% (of one core)\n",
      dialect.c_str(), static_cast<unsigned long long>(sockets), static_cast<unsigned long long>(rooms),
      static_cast<unsigned long long>(procs), static_cast<unsigned long long>(threads),
      static_cast<unsigned long long>(fleet.upgraded), static_cast<unsigned long long>(fleet.subscribed),
      static_cast<unsigned long long>(fleet.closed_early), j["upgrades_per_s"].get<double>(),
      j["subscribed_per_s"].get<double>(), j["setup_ms"]["p50"].get<double>(),
      j["setup_ms"]["p99"].get<double>(), static_cast<unsigned long long>(published),
      static_cast<unsigned long long>(publish_errors), j["publish_rate"].get<double>(), rate, duration_s,
      static_cast<unsigned long long>(payload_bytes), static_cast<unsigned long long>(fleet.received),
      static_cast<unsigned long long>(fleet.expected), j["missing"].get<unsigned long long>(),
      j["extra"].get<unsigned long long>(), j["deliveries_per_s"].get<double>(), l["p50"].get<double>(),
      l["p90"].get<double>(), l["p99"].get<double>(), l["p999"].get<double>(), l["max"].get<double>(),
      l["mean"].get<double>(), static_cast<long long>(rss["before"].get<std::int64_t>()),
      static_cast<long long>(rss["idle"].get<std::int64_t>()),
      static_cast<long long>(rss["after"].get<std::int64_t>()), j["kib_per_idle_socket"].get<double>(),
      static_cast<long long>(gateway_peak_kib), static_cast<long long>(bus_peak_kib),
      j["cpu_while_publishing_pct"]["gateway"].get<double>(),
      j["cpu_while_publishing_pct"]["load_tool"].get<double>());
  std::ostringstream out;
  out << buf;
  if (deflate)
    out << "  deflate    offered by every socket, accepted on " << fleet.deflate_accepted << " of "
        << fleet.upgraded << " upgrades\n";
  for (const auto& [reason, n] : fleet.errors) out << "  error      " << n << " x " << reason << "\n";
  return out.str();
}

}  // namespace gangway::bench
