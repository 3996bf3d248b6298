#include "gateway/net/loop_pool.hpp"

#include <boost/asio/post.hpp>

namespace gangway::net {
namespace {
thread_local std::size_t current_loop = static_cast<std::size_t>(-1);
}

LoopPool::LoopPool(unsigned count) {
  if (count == 0) count = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < count; ++i) {
    loops_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.emplace_back(loops_.back()->get_executor());
    inboxes_.push_back(std::make_unique<Inbox>());
  }
}

LoopPool::~LoopPool() { stop(); }

void LoopPool::post(std::size_t i, std::function<void()> fn) {
  if (i >= loops_.size()) return;
  Inbox& in = *inboxes_[i];
  {
    std::lock_guard lock(in.mu);
    in.queued.push_back(std::move(fn));
    if (in.scheduled) return;
    in.scheduled = true;
  }
  boost::asio::post(*loops_[i], [this, i] { drain(i); });
}

void LoopPool::drain(std::size_t i) {
  Inbox& in = *inboxes_[i];
  if (in.next == in.running.size()) {
    in.running.clear();  // keeps the capacity for the next burst
    in.next = 0;
    std::lock_guard lock(in.mu);
    in.running.swap(in.queued);
    // Posts from now on schedule another drain, which runs after the socket
    // work already waiting on this loop: a busy producer cannot starve it.
    in.scheduled = false;
  }
  auto until = std::chrono::steady_clock::now() + kTurn;
  while (in.next < in.running.size()) {
    auto fn = std::move(in.running[in.next++]);
    fn();
    if (in.next < in.running.size() && std::chrono::steady_clock::now() >= until) {
      // The rest after the socket work that is ready now (asio runs handlers in order).
      boost::asio::post(*loops_[i], [this, i] { drain(i); });
      return;
    }
  }
}

void LoopPool::start() {
  for (std::size_t i = 0; i < loops_.size(); ++i)
    threads_.emplace_back([this, i] {
      current_loop = i;
      loops_[i]->run();
    });
}

void LoopPool::stop() {
  guards_.clear();
  for (auto& l : loops_) l->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void LoopPool::destroy() {
  stop();
  loops_.clear();
  inboxes_.clear();  // work posted but never run, destroyed while what it references lives
}

std::size_t LoopPool::current() const { return current_loop < loops_.size() ? current_loop : loops_.size(); }

}  // namespace gangway::net
