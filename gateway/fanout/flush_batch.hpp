#pragma once
// One bus flush for many new subscriptions.
//
// A join to a room nobody on this gateway was in subscribes, and is ready
// once a flush confirms the server has the SUB. In a storm of upgrades that
// each subscribe a room of their own, a flush per room was a publish to the
// reply inbox, a reply and a dispatcher entry each. Here at most one flush is
// in flight: subscriptions made meanwhile wait for the next one, sent when it
// returns, which confirms all of them (the server handles one connection's
// protocol in order, so every SUB written before the flush is in place).
#include <chrono>
#include <memory>

#include "gateway/bus/bus.hpp"

namespace gangway {

class FlushBatch {
 public:
  // `bus` must outlive the batch; the timeout is each flush's.
  FlushBatch(bus::Bus& bus, std::chrono::milliseconds timeout);
  ~FlushBatch();
  FlushBatch(const FlushBatch&) = delete;
  FlushBatch& operator=(const FlushBatch&) = delete;

  // Any thread, after the subscribe it waits for. `done` runs exactly once on
  // a bus thread with the outcome of a flush sent after this call (also after
  // the batch is destroyed: with the outcome of the flush in flight, or, for
  // one not yet sent, never — so it must hold what it uses).
  void then(bus::Bus::AckFn done);

  // Flushes sent so far (for tests).
  std::uint64_t flushes() const;

 private:
  struct State;
  std::shared_ptr<State> state_;  // weakly held by the flush in flight
};

}  // namespace gangway
