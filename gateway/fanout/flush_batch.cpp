#include "gateway/fanout/flush_batch.hpp"

#include <mutex>
#include <utility>
#include <vector>

namespace gangway {

struct FlushBatch::State {
  bus::Bus& bus;
  std::chrono::milliseconds timeout;
  std::mutex mu;
  std::vector<bus::Bus::AckFn> next;  // waiting for the flush after the one in flight; mu
  bool flushing = false;              // a flush is in flight; mu
  std::uint64_t sent = 0;             // mu

  State(bus::Bus& b, std::chrono::milliseconds t) : bus(b), timeout(t) {}

  // Sends a flush for everything in `next`; `flushing` is set.
  static void send(const std::shared_ptr<State>& self) {
    std::vector<bus::Bus::AckFn> batch;
    {
      std::lock_guard lock(self->mu);
      batch.swap(self->next);
      ++self->sent;
    }
    self->bus.flush(self->timeout, [weak = std::weak_ptr<State>(self), batch = std::move(batch)](bus::BusError e) {
      for (const auto& done : batch) done(e);
      auto state = weak.lock();
      if (!state) return;
      {
        std::lock_guard lock(state->mu);
        if (state->next.empty()) {
          state->flushing = false;
          return;
        }
      }
      send(state);
    });
  }
};

FlushBatch::FlushBatch(bus::Bus& bus, std::chrono::milliseconds timeout)
    : state_(std::make_shared<State>(bus, timeout)) {}

FlushBatch::~FlushBatch() = default;

void FlushBatch::then(bus::Bus::AckFn done) {
  {
    std::lock_guard lock(state_->mu);
    state_->next.push_back(std::move(done));
    if (state_->flushing) return;
    state_->flushing = true;
  }
  State::send(state_);
}

std::uint64_t FlushBatch::flushes() const {
  std::lock_guard lock(state_->mu);
  return state_->sent;
}

}  // namespace gangway
