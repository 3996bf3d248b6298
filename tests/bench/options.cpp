#include "tests/bench/options.hpp"

#include <cstdlib>
#include <functional>
#include <iostream>
#include <string_view>

namespace gangway::bench {
namespace {

constexpr const char* kUsage = R"(usage: gangway-load [options]
Opens N subscribed WebSocket clients against a gangway app, publishes on NATS,
and prints deliveries/s, latency percentiles and the gateway's memory per socket.

target:
  --dialect NAME          client script: tribe, circles, pythia, social, winkr,
                          or nats (nats-server's WebSocket listener)   [tribe]
  --host H --port P       the gateway app's listener                  [127.0.0.1 8000]
  --path PATH             the socket path                             [/api/v1/ws]
  --nats URL              where to publish                            [nats://127.0.0.1:4222]
  --prefix P --app NAME   publish on <P>.out.<NAME>.<room-kind>.<id>  [gw tribe]
  --tls                   wss: a full TLS handshake per socket before the upgrade
  --ca-file PEM           with --tls: verify the server's certificate against these CAs
  --server-name NAME      with --tls: the name the certificate must carry [the host]
credentials (HS256 tokens, claims sub/name/iss/aud/exp):
  --secret S --issuer I --audience A --token-ttl SECONDS
fleet:
  -n, --sockets N         subscribed sockets                          [1000]
  --rooms R               socket i joins room i % R (1: one room, N: a room each) [1]
  --id-prefix P           user ids P-<i>, rooms P-room-<r>            [load]
  --source-addrs K        bind to 127.0.0.1..127.0.0.K                [16]
  --threads T             client io threads per process               [1]
  --procs K               client processes (forked)                   [1]
  --connect-concurrency C sockets in setup at once                    [200]
  --setup-timeout S       seconds for all sockets to subscribe        [120]
  --upgrade-only          sockets only upgrade (no subscribe); for upgrade rates
publishing:
  --rate R                publishes/s in total, 0 = as fast as possible [100]
  --duration D            seconds of publishing                       [10]
  --count P               publish exactly P events instead (with --rate 0: as fast as accepted)
  --payload-bytes BYTES   approximate body size (chat-like JSON text)  [200]
  --payload BYTES         the same
  --flush-every K         flush (PING/PONG) after every K publishes, as a client
                          with a flush loop; 0 = once at the end     [0]
  --deflate               offer permessage-deflate (RFC 7692) on every socket
  --drain-ms MS           after publishing, stop when nothing arrived for MS [3000]
  --drain-max S           … or after S seconds in any case            [120]
  --settle-ms MS          wait before reading the idle RSS            [1500]
measurement:
  --gateway-pid PID       read the gateway's VmRSS (and peak, VmHWM) from /proc
  --bus-pid PID           read the peak RSS of the gateway's own nats-server
modes:
  --allow-backend PORT    serve an allow-all HTTP backend (200 to every GET/POST)
  --serve-only            with --allow-backend: serve until SIGTERM, nothing else
  --merge FILE...         merge the JSON lines of separate runs and print the total
  --quiet                 print only the JSON line
)";

[[noreturn]] void usage(int code, std::string_view why = {}) {
  if (!why.empty()) std::cerr << "gangway-load: " << why << "\n";
  (code == 0 ? std::cout : std::cerr) << kUsage;
  std::exit(code);
}

long to_long(std::string_view flag, const char* v, long lo, long hi) {
  char* end = nullptr;
  long x = std::strtol(v, &end, 10);
  if (!end || *end || x < lo || x > hi) usage(2, std::string(flag) + ": bad number " + v);
  return x;
}

double to_double(std::string_view flag, const char* v) {
  char* end = nullptr;
  double x = std::strtod(v, &end);
  if (!end || *end || x < 0) usage(2, std::string(flag) + ": bad number " + v);
  return x;
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  using Setter = std::function<void(const char*)>;
  auto str = [](std::string& s) { return Setter([&s](const char* v) { s = v; }); };
  auto size = [](std::string_view f, std::size_t& s, long lo, long hi) {
    return Setter([f, &s, lo, hi](const char* v) { s = static_cast<std::size_t>(to_long(f, v, lo, hi)); });
  };
  auto num = [](std::string_view f, int& s, long lo, long hi) {
    return Setter([f, &s, lo, hi](const char* v) { s = static_cast<int>(to_long(f, v, lo, hi)); });
  };
  struct Flag {
    std::string_view name;
    Setter set;
  };
  const Flag flags[] = {
      {"--dialect", str(o.dialect)},
      {"--host", str(o.host)},
      {"--port", [&](const char* v) { o.port = static_cast<std::uint16_t>(to_long("--port", v, 1, 65535)); }},
      {"--path", str(o.path)},
      {"--nats", str(o.nats_url)},
      {"--prefix", str(o.subject_prefix)},
      {"--app", str(o.app)},
      {"--ca-file", str(o.ca_file)},
      {"--server-name", str(o.server_name)},
      {"--secret", str(o.secret)},
      {"--issuer", str(o.issuer)},
      {"--audience", str(o.audience)},
      {"--token-ttl", [&](const char* v) { o.token_ttl_s = to_long("--token-ttl", v, 1, 1L << 30); }},
      {"--sockets", size("--sockets", o.sockets, 1, 10'000'000)},
      {"-n", size("-n", o.sockets, 1, 10'000'000)},
      {"--rooms", size("--rooms", o.rooms, 1, 10'000'000)},
      {"--id-prefix", str(o.id_prefix)},
      {"--source-addrs", size("--source-addrs", o.source_addrs, 1, 254)},
      {"--threads", size("--threads", o.threads, 1, 64)},
      {"--procs", size("--procs", o.procs, 1, 64)},
      {"--connect-concurrency", size("--connect-concurrency", o.connect_concurrency, 1, 100'000)},
      {"--setup-timeout", num("--setup-timeout", o.setup_timeout_s, 1, 3600)},
      {"--rate", [&](const char* v) { o.rate = to_double("--rate", v); }},
      {"--duration", [&](const char* v) { o.duration_s = to_double("--duration", v); }},
      {"--count", [&](const char* v) { o.count = static_cast<std::uint64_t>(to_long("--count", v, 0, 1L << 40)); }},
      {"--payload-bytes", size("--payload-bytes", o.payload_bytes, 0, 1'000'000)},
      {"--payload", size("--payload", o.payload_bytes, 0, 1'000'000)},
      {"--flush-every", size("--flush-every", o.flush_every, 0, 1'000'000'000)},
      {"--drain-ms", num("--drain-ms", o.drain_ms, 0, 600'000)},
      {"--drain-max", num("--drain-max", o.drain_max_s, 1, 3600)},
      {"--settle-ms", num("--settle-ms", o.idle_settle_ms, 0, 600'000)},
      {"--gateway-pid", num("--gateway-pid", o.gateway_pid, 0, 1 << 30)},
      {"--bus-pid", num("--bus-pid", o.bus_pid, 0, 1 << 30)},
      {"--allow-backend", num("--allow-backend", o.allow_backend_port, 1, 65535)},
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") usage(0);
    if (arg == "--serve-only") {
      o.serve_only = true;
      continue;
    }
    if (arg == "--quiet") {
      o.quiet = true;
      continue;
    }
    if (arg == "--upgrade-only") {
      o.upgrade_only = true;
      continue;
    }
    if (arg == "--deflate") {
      o.deflate = true;
      continue;
    }
    if (arg == "--tls") {
      o.tls = true;
      continue;
    }
    if (arg == "--merge") {
      while (i + 1 < argc) o.merge_files.emplace_back(argv[++i]);
      if (o.merge_files.empty()) usage(2, "--merge needs files");
      continue;
    }
    bool known = false;
    for (const Flag& f : flags) {
      if (arg != f.name) continue;
      if (i + 1 >= argc) usage(2, std::string(arg) + " needs a value");
      f.set(argv[++i]);
      known = true;
      break;
    }
    if (!known) usage(2, "unknown argument " + std::string(arg));
  }
  if (o.serve_only && o.allow_backend_port == 0) usage(2, "--serve-only needs --allow-backend PORT");
  // Every dialect but social (a session cookie) and nats (no auth) mints tokens.
  if (!o.serve_only && o.merge_files.empty() && o.secret.empty() && o.dialect != "nats" &&
      o.dialect != "social")
    usage(2, "--secret is required");
  if ((!o.ca_file.empty() || !o.server_name.empty()) && !o.tls) usage(2, "--ca-file and --server-name go with --tls");
  if (o.server_name.empty()) o.server_name = o.host;
  if (o.rooms > o.sockets) o.rooms = o.sockets;
  if (o.procs > o.sockets) o.procs = o.sockets;
  return o;
}

}  // namespace gangway::bench
