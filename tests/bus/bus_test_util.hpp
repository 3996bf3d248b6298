#pragma once
// Helpers for bus tests: collect what bus threads deliver and wait for it with
// a generous deadline (no sleeps, no timing assertions).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gateway/bus/bus.hpp"

namespace gangway::bus::test {

inline constexpr auto kWait = std::chrono::seconds(10);

template <typename T>
class Collector {
 public:
  void push(T v) {
    {
      std::lock_guard lk(mu_);
      items_.push_back(std::move(v));
    }
    cv_.notify_all();
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = kWait) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, timeout, [&] { return items_.size() >= n; });
  }
  std::vector<T> items() const {
    std::lock_guard lk(mu_);
    return items_;
  }
  std::size_t size() const {
    std::lock_guard lk(mu_);
    return items_.size();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<T> items_;
};

using Messages = Collector<Message>;
using Replies = Collector<std::pair<BusError, std::string>>;
using Acks = Collector<BusError>;

inline Handler into(const std::shared_ptr<Messages>& c) {
  return [c](Message&& m) { c->push(std::move(m)); };
}
inline Bus::ReplyFn into(const std::shared_ptr<Replies>& c) {
  return [c](BusError e, std::string&& body) { c->push({e, std::move(body)}); };
}
inline Bus::AckFn into(const std::shared_ptr<Acks>& c) {
  return [c](BusError e) { c->push(e); };
}

// For conditions nothing signals (a library counter, a freed closure).
inline bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout = kWait) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// A gate a handler can block on, to make a subscriber slow on purpose.
class Gate {
 public:
  void open() {
    {
      std::lock_guard lk(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

}  // namespace gangway::bus::test
