#include "gateway/bus/outbox.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>

namespace gangway::bus {

struct Outbox::State {
  struct Kept {
    Bus* bus;
    std::string subject, data;
    Headers headers;
    std::size_t bytes() const { return subject.size() + data.size(); }
  };
  std::mutex mu;
  std::condition_variable wake;  // a publish was kept, or stopping
  std::condition_variable idle;  // nothing kept, or a store finished
  std::deque<Kept> kept;
  std::size_t kept_bytes = 0;
  std::uint64_t pending = 0, retried = 0, dropped = 0;
  bool stopping = false;
};

Outbox::Outbox(std::size_t max_bytes, std::chrono::milliseconds retry_every)
    : max_bytes_(max_bytes), retry_every_(retry_every), state_(std::make_shared<State>()),
      retrier_([this] { retry_loop(); }) {}

Outbox::~Outbox() { stop(); }

void Outbox::stop() {
  {
    std::lock_guard lock(state_->mu);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  if (retrier_.joinable()) retrier_.join();
}

bool Outbox::publish(Bus& bus, std::string subject, std::string data, Headers headers) {
  State& s = *state_;
  {
    std::lock_guard lock(s.mu);
    if (s.stopping) {
      ++s.dropped;
      return false;
    }
    // Behind what is kept already: a room's events keep their order.
    if (s.kept.empty() && bus.publish(subject, data, headers) == BusError::ok) return true;
    State::Kept k{&bus, std::move(subject), std::move(data), std::move(headers)};
    if (s.kept_bytes + k.bytes() > max_bytes_) {
      ++s.dropped;
      return false;
    }
    s.kept_bytes += k.bytes();
    s.kept.push_back(std::move(k));
  }
  s.wake.notify_all();
  return true;
}

Outbox::Pending Outbox::pending() {
  {
    std::lock_guard lock(state_->mu);
    ++state_->pending;
  }
  // The deleter runs when the last copy goes: the store's answer was handled.
  return Pending(nullptr, [state = state_](void*) {
    {
      std::lock_guard lock(state->mu);
      --state->pending;
    }
    state->idle.notify_all();
  });
}

void Outbox::retry_loop() {
  State& s = *state_;
  std::unique_lock lock(s.mu);
  while (!s.stopping) {
    s.wake.wait_for(lock, retry_every_, [&] { return s.stopping || !s.kept.empty(); });
    // In order: the front goes first, and nothing else while it cannot.
    while (!s.stopping && !s.kept.empty()) {
      const State::Kept& front = s.kept.front();
      if (front.bus->publish(front.subject, front.data, front.headers) != BusError::ok) {
        s.wake.wait_for(lock, retry_every_, [&] { return s.stopping; });
        continue;
      }
      s.kept_bytes -= front.bytes();
      s.kept.pop_front();
      ++s.retried;
    }
    if (s.kept.empty()) s.idle.notify_all();
  }
}

bool Outbox::drain(std::chrono::steady_clock::time_point deadline) {
  State& s = *state_;
  std::unique_lock lock(s.mu);
  return s.idle.wait_until(lock, deadline, [&] { return s.kept.empty() && s.pending == 0; });
}

Outbox::Stats Outbox::stats() const {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  return {s.kept.size(), s.kept_bytes, s.pending, s.retried, s.dropped};
}

}  // namespace gangway::bus
