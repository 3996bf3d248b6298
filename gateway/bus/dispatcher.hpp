#pragma once
// One bus thread shared by LocalBus and NatsBus. It runs posted jobs in order
// and owns the table of requests waiting for a reply, completing each exactly
// once: with the reply, with an error, or with `timeout` at its deadline.
// Callers never see their `done` run inline, so a gateway loop cannot re-enter
// itself through the bus.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gateway/bus/bus.hpp"

namespace gangway::bus {

class Dispatcher {
 public:
  using Done = std::function<void(BusError, std::string&& body)>;

  Dispatcher();  // starts the thread
  ~Dispatcher();  // stop(BusError::not_connected)
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Runs `job` on the dispatcher thread. Dropped (destroyed unrun) once stopped.
  void post(std::function<void()> job);

  // Registers `done` under a fresh, increasing token. At the deadline the
  // dispatcher thread calls done(timeout) unless something completed it first.
  std::uint64_t expect_reply(std::chrono::milliseconds timeout, Done done);

  // Completes `token` on the calling thread (a bus thread: nats.c's delivery
  // thread or the dispatcher). False if it already completed.
  bool complete(std::uint64_t token, BusError e, std::string&& body = {});

  // complete(), but later on the dispatcher thread, so a refusal detected on
  // the caller's thread is still reported on a bus thread.
  void complete_later(std::uint64_t token, BusError e);

  // Fails every request registered so far (not later ones) with `e`, on the
  // dispatcher thread. Used when a disconnect means no reply can arrive.
  void fail_all(BusError e);

  std::size_t pending() const;
  bool on_dispatcher_thread() const;

  // Stops the thread (joins it, or detaches it when called from a job) and
  // fails what is still pending with `e` on the calling thread. Idempotent.
  void stop(BusError e = BusError::not_connected);

 private:
  struct State;
  std::shared_ptr<State> state_;  // shared with the thread so a detached thread stays valid
};

}  // namespace gangway::bus
