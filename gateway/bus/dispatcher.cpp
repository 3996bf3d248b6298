#include "gateway/bus/dispatcher.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

namespace gangway::bus {

using Clock = std::chrono::steady_clock;

struct Dispatcher::State {
  struct Entry {
    Clock::time_point deadline;
    Done done;
  };

  mutable std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> jobs;
  std::map<std::uint64_t, Entry> waiting;                     // by token
  std::set<std::pair<Clock::time_point, std::uint64_t>> by_deadline;  // earliest first
  std::uint64_t next_token = 1;
  bool stopping = false;
  std::thread thread;
  std::thread::id thread_id;

  // Removes a waiting entry; the caller runs its `done` outside the lock.
  Done take(std::uint64_t token) {
    auto it = waiting.find(token);
    if (it == waiting.end()) return nullptr;
    Done d = std::move(it->second.done);
    by_deadline.erase({it->second.deadline, token});
    waiting.erase(it);
    return d;
  }

  void run();
};

namespace {

// A throwing handler must not take the bus thread down with it (it runs under
// a C library, where an exception would terminate the process).
template <typename F>
void run_guarded(F&& f) {
  try {
    f();
  } catch (...) {
  }
}

}  // namespace

void Dispatcher::State::run() {
  std::unique_lock lk(mu);
  while (!stopping) {
    // Deadlines first, so a flood of jobs cannot hold a timeout back for long.
    if (!by_deadline.empty() && by_deadline.begin()->first <= Clock::now()) {
      Done d = take(by_deadline.begin()->second);
      lk.unlock();
      run_guarded([&] { d(BusError::timeout, {}); });
      d = nullptr;  // captures die here, off the lock
      lk.lock();
      continue;
    }
    if (!jobs.empty()) {
      auto job = std::move(jobs.front());
      jobs.pop_front();
      lk.unlock();
      run_guarded(job);
      job = nullptr;
      lk.lock();
      continue;
    }
    if (by_deadline.empty()) {
      cv.wait(lk);
    } else {
      // A copy: wait_until re-reads its argument after waking, and the entry
      // may be erased while we wait.
      const Clock::time_point next = by_deadline.begin()->first;
      cv.wait_until(lk, next);
    }
  }
}

Dispatcher::Dispatcher() : state_(std::make_shared<State>()) {
  std::lock_guard lk(state_->mu);
  state_->thread = std::thread([s = state_] { s->run(); });
  state_->thread_id = state_->thread.get_id();
}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::post(std::function<void()> job) {
  {
    std::lock_guard lk(state_->mu);
    if (state_->stopping) return;
    state_->jobs.push_back(std::move(job));
  }
  state_->cv.notify_one();
}

std::uint64_t Dispatcher::expect_reply(std::chrono::milliseconds timeout, Done done) {
  auto deadline = Clock::now() + std::max(timeout, std::chrono::milliseconds(0));
  std::uint64_t token = 0;
  bool stopped = false;
  {
    std::lock_guard lk(state_->mu);
    token = state_->next_token++;
    stopped = state_->stopping;
    if (!stopped) {
      state_->waiting.emplace(token, State::Entry{deadline, std::move(done)});
      state_->by_deadline.emplace(deadline, token);
    }
  }
  // No thread left to report on: fail now rather than never.
  if (stopped) {
    run_guarded([&] { done(BusError::not_connected, {}); });
  } else {
    state_->cv.notify_one();
  }
  return token;
}

bool Dispatcher::complete(std::uint64_t token, BusError e, std::string&& body) {
  Done d;
  {
    std::lock_guard lk(state_->mu);
    d = state_->take(token);
  }
  if (!d) return false;
  run_guarded([&] { d(e, std::move(body)); });
  return true;
}

void Dispatcher::complete_later(std::uint64_t token, BusError e) {
  post([s = std::weak_ptr<State>(state_), token, e] {
    auto st = s.lock();
    if (!st) return;
    Done d;
    {
      std::lock_guard lk(st->mu);
      d = st->take(token);
    }
    if (d) run_guarded([&] { d(e, {}); });
  });
}

void Dispatcher::fail_all(BusError e) {
  std::uint64_t last = 0;
  {
    std::lock_guard lk(state_->mu);
    last = state_->next_token - 1;
  }
  post([s = std::weak_ptr<State>(state_), last, e] {
    auto st = s.lock();
    if (!st) return;
    std::vector<Done> failed;
    {
      std::lock_guard lk(st->mu);
      while (!st->waiting.empty() && st->waiting.begin()->first <= last) {
        failed.push_back(st->take(st->waiting.begin()->first));
      }
    }
    for (auto& d : failed) run_guarded([&] { d(e, {}); });
  });
}

std::size_t Dispatcher::pending() const {
  std::lock_guard lk(state_->mu);
  return state_->waiting.size();
}

bool Dispatcher::on_dispatcher_thread() const { return std::this_thread::get_id() == state_->thread_id; }

void Dispatcher::stop(BusError e) {
  std::vector<Done> failed;
  std::deque<std::function<void()>> dropped;
  std::thread t;
  {
    std::lock_guard lk(state_->mu);
    if (state_->stopping && !state_->thread.joinable()) return;
    state_->stopping = true;
    t = std::move(state_->thread);
    dropped.swap(state_->jobs);
    while (!state_->waiting.empty()) failed.push_back(state_->take(state_->waiting.begin()->first));
  }
  state_->cv.notify_all();
  if (t.joinable()) {
    if (t.get_id() == std::this_thread::get_id()) {
      t.detach();  // stopped from one of its own jobs; it exits when that job returns
    } else {
      t.join();
    }
  }
  for (auto& d : failed) run_guarded([&] { d(e, {}); });
}

}  // namespace gangway::bus
