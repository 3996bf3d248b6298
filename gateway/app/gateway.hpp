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

  // Starts listening and logs what listens where; returns at once.
  void start();
  // Stops accepting, closes every socket with 1001 so clients reconnect
  // elsewhere, waits up to `grace` for the close handshakes, then stops.
  // Logs how many sockets closed in time ("drained").
  void drain(std::chrono::milliseconds grace);

  // Actual listening ports (after start), in config order; the admin port.
  std::vector<std::uint16_t> app_ports() const;
  std::uint16_t admin_port() const;

  // Checks a config without serving it (config_check.cpp): dialects,
  // callouts and the parameters their templates need, keys, ports shared by
  // two listeners. One line per problem; empty if fine. Secrets a config read
  // with Secrets::deferred left empty are not checked.
  static std::string check(const Config& config);

 private:
  struct Impl;
  void log_started() const;

  std::unique_ptr<Impl> impl_;
};

}  // namespace gangway
