#pragma once
// The whole process: loops, bus, fan-out, apps and their listeners, admin.
// main() parses arguments, constructs it, start()s it and drain()s it on SIGTERM.
#include <atomic>
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

  // Starts listening; returns at once.
  void start();
  // Reads every TLS listener's certificate and key again (SIGHUP): new
  // handshakes use them, open sockets keep theirs. A listener whose files
  // cannot be read or do not fit keeps its current ones. Logs each outcome.
  // Any thread but a loop's (it reads files).
  void reload_tls();
  // Stops accepting, closes every socket with 1001 so clients reconnect
  // elsewhere, waits up to `grace` for the close handshakes, then stops.
  void drain(std::chrono::milliseconds grace);

  // Actual listening ports (after start), in config order; the admin port.
  std::vector<std::uint16_t> app_ports() const;
  std::uint16_t admin_port() const;

  // Checks a config without serving it: dialects, callouts, keys, TLS
  // certificates and keys. Empty if fine.
  static std::string check(const Config& config);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gangway
