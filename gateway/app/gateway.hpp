#pragma once
// The whole process: loops, bus, fan-out, apps and their listeners, admin.
// main() parses arguments, constructs it, start()s it and drain()s it on SIGTERM.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"

namespace gangway {

class Gateway {
 public:
  // Throws std::runtime_error with a clear message if the config cannot be
  // served (unknown dialect, missing callout, bad key, port in use).
  explicit Gateway(Config config);
  ~Gateway();

  // Starts listening and logs what listens where; returns at once.
  void start();
  // Reads every TLS listener's certificate and key again (SIGHUP): new
  // handshakes use them, open sockets keep theirs. A listener whose files
  // cannot be read or do not fit keeps its current ones. Logs each outcome.
  // Any thread but a loop's (it reads files).
  void reload_tls();

  // How drain() spreads its work: phased on SIGTERM (the platform is
  // replacing the gateway), quick on SIGINT (an operator at a terminal).
  enum class DrainPace { phased, quick };
  // Drains in phases, as nats-server's lame-duck mode does (config `drain`,
  // docs/deployment.md "Stopping"): /readyz answers 503 at once; after
  // drain.refuse_after_s the listeners close and the open sockets are closed
  // with 1001, spread evenly until drain.grace_s - drain.flush_s (a socket
  // waiting for a store's answer closes once it has it, its acknowledgement
  // sent); then the stores in flight are waited for (those still unanswered
  // 1.5 s before the end get the dialect's error), the drain hooks run, and
  // it returns at most drain.grace_s - 1 s after it was called. `quick`
  // skips the wait and the spread. On the calling thread (main's), never a loop's.
  void drain(DrainPace pace = DrainPace::phased);
  // Work drain() must finish before the process exits (an outbox to flush,
  // issue 22). Runs on drain()'s thread once every socket was told to close
  // and the stores in flight have answered (or their time is up); it must
  // return by `deadline`. Add before start().
  using DrainHook = std::function<void(std::chrono::steady_clock::time_point deadline)>;
  void on_drain(DrainHook hook);

  // Actual listening ports (after start), in config order; the admin port.
  std::vector<std::uint16_t> app_ports() const;
  std::uint16_t admin_port() const;

  // Checks a config without serving it (config_check.cpp): dialects,
  // callouts and the parameters their templates need, keys, ports shared by
  // two listeners, TLS certificates and keys. One line per problem; empty if
  // fine. Secrets a config read with Secrets::deferred left empty are not checked.
  static std::string check(const Config& config);

 private:
  struct Impl;
  void log_started() const;

  std::unique_ptr<Impl> impl_;
};

}  // namespace gangway
