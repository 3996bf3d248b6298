#pragma once
// The run's client sockets, either in this process (one Fleet) or split over
// `procs` forked processes (each with its own Fleet, driven over pipes and
// merged here). Create it before starting any thread: fork() copies only the
// calling thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "tests/bench/options.hpp"
#include "tests/bench/report.hpp"
#include "tests/bench/script.hpp"

namespace gangway::bench {

class Clients {
 public:
  virtual ~Clients() = default;
  virtual void start() = 0;
  // Subscribed sockets once all are subscribed or failed, or at the timeout.
  virtual std::uint64_t wait_setup(std::chrono::milliseconds timeout) = 0;
  // See Fleet::finish.
  virtual FleetReport finish(std::uint64_t published, std::chrono::milliseconds idle,
                             std::chrono::milliseconds max) = 0;
  // The processes that hold the sockets (for CPU accounting).
  virtual std::vector<int> pids() const = 0;
};

// nullptr (and a message on stderr) if a child process could not be started.
std::unique_ptr<Clients> make_clients(const Options& o, const ClientScript& script);

}  // namespace gangway::bench
