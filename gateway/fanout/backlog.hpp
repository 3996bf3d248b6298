#pragma once
// What a loop still has to deliver, kept within DeliveryLimits whatever NATS
// offers (docs/architecture.md, "Overload").
//
// The bus's delivery thread hands every gw.out event to the loops that have
// members in its room. It never waits for a loop: a blocked delivery thread
// would also hold back the replies that make joins ready, JetStream acks and
// every quiet room behind the busy one. Instead:
//  - bytes: an event that would take a loop's backlog (events posted to it
//    and not yet delivered) past max_backlog_bytes is not posted to that
//    loop, and counted (`backlog_full`): the newest events are shed, and what
//    is delivered keeps its order;
//  - time: a loop delivers an event only within max_delay / 2 of the gateway
//    receiving it (the sockets' queues have the other half); an older one is
//    dropped unparsed, and counted (`late`).
//    That bounds publish-to-delivery latency under overload, and how long a
//    loop spends on its backlog before it reads, accepts and closes sockets
//    again.
#include <atomic>
#include <cstddef>

#include "gateway/core/delivery_limits.hpp"

namespace gangway {

// One loop's backlog in bytes: added to by the bus's delivery thread(s),
// removed from by the loop.
class Backlog {
 public:
  // What an event costs a loop beyond its bytes: the task in the loop's
  // inbox, the shared message and its encoded frame's bookkeeping.
  static constexpr std::size_t kEventOverhead = 512;

  // Reserves `bytes` unless that would pass `max`; false: nothing reserved.
  // Delivery threads that race past the check together exceed the bound by
  // at most one event each (the gateway runs one).
  bool try_add(std::size_t bytes, std::size_t max) {
    if (bytes_.load(std::memory_order_relaxed) + bytes > max) return false;
    bytes_.fetch_add(bytes, std::memory_order_relaxed);
    return true;
  }
  void remove(std::size_t bytes) { bytes_.fetch_sub(bytes, std::memory_order_relaxed); }
  std::size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::size_t> bytes_{0};
};

}  // namespace gangway
