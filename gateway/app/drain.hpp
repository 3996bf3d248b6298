#pragma once
// A drain's moments and its per-loop share of the closes (Gateway::drain,
// docs/deployment.md "Stopping"). Pure computation and loop-local state; the
// gateway runs the phases.
#include <chrono>
#include <cstddef>
#include <unordered_set>
#include <vector>

#include "gateway/config/config.hpp"

namespace gangway {

class Session;

struct DrainSchedule {
  using Clock = std::chrono::steady_clock;
  Clock::time_point start;   // the signal: /readyz answers 503 from now on
  Clock::time_point refuse;  // the listeners close; the first sockets are told to close
  Clock::time_point closed;  // every socket open at `refuse` has been told to close
  Clock::time_point force;   // stores still in flight get the dialect's error; their sockets close
  Clock::time_point exit;    // drain() returns: the process has the last second to exit

  // From the config: refuse = start + refuse_after, closed = start + grace -
  // flush, exit = start + grace - 1 s, force = exit - 0.5 s. `quick`
  // (SIGINT, an operator at a terminal): refuse = closed = start.
  static DrainSchedule from(const DrainOptions& options, Clock::time_point start, bool quick);

  // The share of the sockets open at `refuse` that must have been told to
  // close by `now`: 0 before `refuse`, 1 from `closed` on, even in between.
  double share(Clock::time_point now) const;
};

// One loop's progress through its sockets; touched only on that loop.
class LoopDrain {
 public:
  // Tells `open`'s sockets to close (Session::drain) until `share` of those
  // open at the first call have been; at 1, every open socket, also those
  // that opened since (their upgrade was under way when the listeners closed).
  // Returns how many were told this time.
  std::size_t advance(const std::unordered_set<Session*>& open, double share);

 private:
  std::vector<Session*> order_;  // the sockets open at the first call, in the order they are closed
  std::size_t next_ = 0;
  bool started_ = false;
};

}  // namespace gangway
