#include "gateway/app/expiry_clock.hpp"

#include "gateway/core/clock.hpp"
#include "gateway/session/session.hpp"

namespace gangway {

ExpiryClock::ExpiryClock(net::LoopPool& loops, Services& services) : services_(services) {
  for (std::size_t i = 0; i < loops.size(); ++i)
    timers_.push_back(std::make_unique<boost::asio::steady_timer>(loops.loop(i)));
}

ExpiryClock::~ExpiryClock() = default;

void ExpiryClock::start() {
  for (std::size_t i = 0; i < timers_.size(); ++i) arm(i);
}

void ExpiryClock::arm(std::size_t loop) {
  auto& timer = *timers_[loop];
  timer.expires_after(std::chrono::seconds(1));
  timer.async_wait([this, loop](boost::system::error_code ec) {
    if (ec) return;  // cancelled: the gateway is stopping
    tick(loop);
    arm(loop);
  });
}

void ExpiryClock::tick(std::size_t loop) {
  auto& heap = services_.expiries[loop];
  if (heap.empty()) return;
  const std::int64_t now = unix_now();
  if (heap.next() > now) return;
  for (Session* s : heap.pop_due(now)) s->end(Ending::token_expired);
}

}  // namespace gangway
