#pragma once
// gangway-load's command line. One struct, filled by parse_options().
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gangway::bench {

struct Options {
  // What to connect to.
  std::string dialect = "tribe";
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  std::string path = "/api/v1/ws";
  std::string nats_url = "nats://127.0.0.1:4222";
  std::string subject_prefix = "gw";
  std::string app = "tribe";  // the app's name in gw.out.<app>.…
  bool tls = false;           // wss: every socket makes a TLS handshake first (tls_client.hpp)
  std::string ca_file;        // with tls: verify the server's certificate against these CAs
  std::string server_name;    // with tls: the name it must carry (default: host)

  // Credentials (HS256 tokens minted here).
  std::string secret;
  std::string issuer;
  std::string audience;
  long token_ttl_s = 3600;

  // The fleet of sockets.
  std::size_t sockets = 1000;             // N
  std::size_t rooms = 1;                  // socket i joins room i % rooms; 1 = scenario (a), N = (b)
  std::string id_prefix = "load";         // users "<prefix>-<i>", rooms "<prefix>-room-<r>"
  std::size_t source_addrs = 16;          // bind sockets to 127.0.0.1 .. 127.0.0.<source_addrs>
  std::size_t threads = 1;                // client io_context threads per process
  std::size_t procs = 1;                  // client processes (forked); sockets are split between them
  std::size_t connect_concurrency = 200;  // sockets between connect and subscribed at once
  int setup_timeout_s = 120;              // all sockets must be subscribed (or failed) by then

  // Publishing.
  double rate = 100;                // publishes per second in total; 0 = as fast as possible
  double duration_s = 10;           // D
  std::uint64_t count = 0;          // publish exactly this many events (duration ignored); 0 = by duration
  std::size_t payload_bytes = 200;  // approximate body size on NATS
  // Flush (PING, wait for the PONG) after every this many publishes, as a NATS
  // client with a flush loop does; 0: only once at the end.
  std::size_t flush_every = 0;
  bool deflate = false;             // every socket offers permessage-deflate (RFC 7692)
  int drain_ms = 3000;              // after the last publish, stop waiting when nothing arrived for this long
  int drain_max_s = 120;            // … or after this long in any case
  int idle_settle_ms = 1500;        // wait after setup before reading the idle RSS
  bool upgrade_only = false;        // a socket is set up once upgraded: no subscribe (upgrade-rate runs)

  // Measurement of the gateway.
  int gateway_pid = 0;  // read /proc/<pid>/status VmRSS; 0 = not measured
  int bus_pid = 0;      // the gateway's own nats-server: its peak RSS (VmHWM); 0 = not measured

  // Modes.
  int allow_backend_port = 0;            // serve an allow-all HTTP backend on this port
  bool serve_only = false;               // only serve the backend until SIGTERM/SIGINT
  std::vector<std::string> merge_files;  // --merge: combine the JSON lines of separate runs
  bool quiet = false;                    // only the JSON line
};

// Parses argv; on a bad or --help argument prints usage and exits.
Options parse_options(int argc, char** argv);

}  // namespace gangway::bench
