#pragma once
// Publishes the script's events on NATS (nats.c), round-robin over the run's
// rooms: publish s goes to room s % R, at `rate` per second in total (0: as
// fast as possible) for `duration_s`, then flushes; with `flush_every` also
// after every that many publishes (a round trip to the server each time).
#include <cstdint>
#include <string>

#include "tests/bench/options.hpp"
#include "tests/bench/script.hpp"

namespace gangway::bench {

struct PublishResult {
  std::uint64_t published = 0;  // accepted by nats.c (and flushed unless `error`)
  std::uint64_t errors = 0;
  std::int64_t start_ns = 0, end_ns = 0;  // CLOCK_REALTIME
  std::string error;                      // connect or flush failure
};

PublishResult publish_round_robin(const Options& o, const ClientScript& script);

}  // namespace gangway::bench
