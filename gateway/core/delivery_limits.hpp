#pragma once
// How much a loop may hold of the events it still has to deliver (config key
// `delivery`, docs/configuration.md; enforced by the fan-out,
// gateway/fanout/backlog.hpp, and explained in docs/architecture.md,
// "Overload").
#include <chrono>
#include <cstddef>

namespace gangway {

struct DeliveryLimits {
  // Per loop: bytes of gw.out events posted to it and not yet delivered (each
  // event's subject and body plus a fixed 512 for its bookkeeping). Beyond
  // it the newest events are not posted to that loop.
  std::size_t max_backlog_bytes = 8 * 1024 * 1024;
  // From the gateway receiving an event to a socket's write of it starting:
  // an event that waited longer is dropped. Its loop must start delivering it
  // within half of this, else drops it for all its sockets.
  std::chrono::milliseconds max_delay{500};
  // A socket that sheds events while one write has been in flight this long
  // is closed (1008): its client reads nothing (nats-server's write deadline).
  std::chrono::milliseconds max_write_stall{10'000};
};

}  // namespace gangway
