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
  }
}

LoopPool::~LoopPool() { stop(); }

void LoopPool::post(std::size_t i, std::function<void()> fn) {
  if (i < loops_.size()) boost::asio::post(*loops_[i], std::move(fn));
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
}

std::size_t LoopPool::current() const { return current_loop < loops_.size() ? current_loop : loops_.size(); }

}  // namespace gangway::net
