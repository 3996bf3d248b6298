#pragma once
// A fleet of WebSocket clients (Asio, frames parsed by ws_frames.hpp) for sockets
// [first, first + count) of the run, spread over `threads` io_contexts, each
// socket bound to one of 127.0.0.1..127.0.0.K before connecting. A script
// (script.hpp) says what to send and how to read what arrives.
//
//   Fleet f(o, script, first, count);
//   f.start();                       // connects, at most C sockets in setup at once
//   f.wait_setup(timeout);           // all subscribed or failed (or the timeout)
//   … publish P events round-robin over the run's rooms (seq s -> room s % R) …
//   FleetReport r = f.finish(P, idle, max);  // waits for what P implies, closes, reports
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "tests/bench/options.hpp"
#include "tests/bench/report.hpp"
#include "tests/bench/script.hpp"

namespace gangway::bench {

class Fleet {
 public:
  Fleet(const Options& o, const ClientScript& script, std::size_t first, std::size_t count);
  ~Fleet();
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  void start();
  // Blocks until every socket is subscribed or has failed, or `timeout`.
  // Returns the number subscribed.
  std::uint64_t wait_setup(std::chrono::milliseconds timeout);
  // Deliveries so far (any thread).
  std::uint64_t received() const;
  // Waits until the subscribed sockets got every event that `published`
  // round-robin publishes imply, or nothing arrived for `idle`, or `max` has
  // passed; then closes every socket (bounded), stops the threads and
  // returns the report.
  FleetReport finish(std::uint64_t published, std::chrono::milliseconds idle, std::chrono::milliseconds max);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The room of a socket and the events it should get from `published`
// round-robin publishes over `rooms` rooms.
inline std::size_t room_of(std::size_t index, std::size_t rooms) { return index % rooms; }
inline std::uint64_t expected_for_room(std::size_t room, std::uint64_t published, std::size_t rooms) {
  return published / rooms + (room < published % rooms ? 1 : 0);
}

}  // namespace gangway::bench
