#pragma once
// Publishes that must not be lost: what follows a successful store (the
// stored message's gw.in envelope and its gw.out event). Once the backend or
// JetStream has the message, other systems and the room's online members
// must hear of it, whether or not its sender is still connected and whether
// or not the bus is up at that moment.
//
// A publish the bus refuses (disconnected) is kept and retried, in order,
// until the bus takes it; while anything is kept, later publishes queue
// behind it, so a room's events keep their order. What is kept is bounded in
// bytes: past the bound a publish is dropped and counted (the stored message
// stays stored; only its announcement is lost), never buffered without limit.
// A store in flight holds a Pending, so that a drain waits for its publishes
// too. Thread-safe (publishes are serialised under one lock: stores are rare
// next to the fan-out); one retry thread per outbox.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "gateway/bus/bus.hpp"

namespace gangway::bus {

class Outbox {
 public:
  struct Stats {
    std::uint64_t kept = 0;  // publishes kept now, waiting for the bus
    std::uint64_t kept_bytes = 0;
    std::uint64_t pending = 0;  // stores in flight whose publishes are still to come
    std::uint64_t retried = 0;  // kept publishes a bus took later
    std::uint64_t dropped = 0;  // publishes dropped past the bound
  };

  // `retry_every`: how often kept publishes are tried again while a bus is down.
  explicit Outbox(std::size_t max_bytes, std::chrono::milliseconds retry_every = std::chrono::milliseconds(200));
  ~Outbox();  // stop()s
  // Stops retrying, for good: what is still kept is lost (drain() first),
  // and later publishes are dropped without touching a bus, so the buses may
  // go before the outbox. Pendings may outlive the outbox.
  void stop();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Any thread. Publishes on `bus` now, or keeps the publish for later
  // (true), or drops it past the bound (false, counted). `bus` must outlive
  // the outbox.
  bool publish(Bus& bus, std::string subject, std::string data, Headers headers = {});

  // A store in flight: its publishes are yet to come. Held until its answer
  // has been handled (copies share one count).
  using Pending = std::shared_ptr<void>;
  Pending pending();

  // Any thread. Waits until no store is in flight and nothing is kept, or
  // until `deadline`; true if so.
  bool drain(std::chrono::steady_clock::time_point deadline);

  Stats stats() const;

 private:
  struct State;  // outbox.cpp; shared with the Pendings, which may outlive the outbox
  void retry_loop();

  const std::size_t max_bytes_;
  const std::chrono::milliseconds retry_every_;
  std::shared_ptr<State> state_;
  std::thread retrier_;
};

}  // namespace gangway::bus
