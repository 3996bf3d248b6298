#include "gateway/backend/callout_client.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/backend/answer_cache.hpp"
#include "gateway/backend/http_call.hpp"

namespace gangway::backend {

namespace {

using Clock = std::chrono::steady_clock;
using Why = CalloutResult::Why;
using Admission = CircuitBreaker::Admission;

// How often the timer thread aborts again a request that has not returned.
constexpr auto kAbortRetry = std::chrono::milliseconds(20);

// One call from call() to `done`. The queue, a worker and the timer thread
// may all hold it; the first to finish() it completes it.
struct Call {
  HttpCall http;
  Clock::time_point deadline;
  std::optional<CancelToken> cancel;
  std::function<void(CalloutResult)> done;
  std::atomic<bool> finished{false};

  bool cancelled() const { return cancel && cancel->cancelled(); }
  // Completes it, counted in `count` first (so that a caller woken by `done`
  // sees the count), unless someone else already did.
  void finish(CalloutResult r, std::atomic<std::uint64_t>* count = nullptr) {
    if (finished.exchange(true, std::memory_order_acq_rel)) return;
    if (count) count->fetch_add(1, std::memory_order_relaxed);
    auto d = std::move(done);
    d(std::move(r));
  }
};
using CallPtr = std::shared_ptr<Call>;

// A worker and its connection. `current` (the call it is sending) is written
// under both the client's mutex_ and `mutex`, and read under either: the
// timer thread aborts a request holding `mutex` alone, because stop() waits
// while httplib connects.
struct Worker {
  std::unique_ptr<httplib::Client> client;
  std::mutex mutex;
  CallPtr current;
  std::thread thread;
};

// What the breaker counts against the backend: no answer in time, or a 5xx.
bool failed(const CalloutResult& r) { return r.why != Why::answered || r.status >= 500; }

std::chrono::milliseconds remaining(Clock::time_point deadline) {
  return std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
}

}  // namespace

struct CalloutClient::Impl {
  Impl(std::string base_url, CalloutOptions options);
  ~Impl();

  void call(const CalloutSpec& spec, const CalloutRequest& request, std::function<void(CalloutResult)> done,
            std::optional<CancelToken> cancel);
  std::optional<Why> enqueue(const CallPtr& c, std::vector<CallPtr>& swept);
  void work(Worker& w);
  std::optional<Why> judge(const Call& c, Admission& admission);
  void send(Worker& w, const CallPtr& c, Admission admission);
  void watch();
  struct Due {
    std::vector<CallPtr> expired;                       // queued past their deadline
    std::vector<std::pair<Worker*, CallPtr>> overdue;   // in flight past theirs (or shutting down)
    Clock::time_point next = Clock::time_point::max();  // the next deadline
    bool stopping = false;
  };
  Due take_due_locked(Clock::time_point now);
  void publish_locked();

  const BaseUrl base_;
  const CalloutOptions options_;
  AnswerCache cache_;
  const std::shared_ptr<CalloutCounters> counters_ = std::make_shared<CalloutCounters>();

  std::mutex mutex_;
  std::condition_variable work_ready_;  // for the workers
  std::condition_variable timer_wake_;  // for the timer thread
  // Nearest deadline first; equal deadlines in arrival order (multimap
  // inserts after equal keys). The timer thread expires from the front.
  std::multimap<Clock::time_point, CallPtr> queue_;
  CircuitBreaker breaker_;
  bool stopping_ = false;
  bool timer_dirty_ = false;  // the queue's front changed since the timer thread looked
  bool timer_exit_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::thread timer_;
};

CalloutClient::Impl::Impl(std::string base_url, CalloutOptions options)
    : base_(parse_base_url(base_url)), options_(options), breaker_(options.breaker) {
  for (unsigned i = 0; i < std::max(options_.threads, 1u); ++i) {
    workers_.push_back(std::make_unique<Worker>());
    workers_.back()->client = make_http_client(base_, options_.ca_file);
  }
  for (auto& w : workers_) w->thread = std::thread([this, w = w.get()] { work(*w); });
  timer_ = std::thread([this] { watch(); });
}

CalloutClient::Impl::~Impl() {
  decltype(queue_) pending;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    timer_dirty_ = true;
    pending.swap(queue_);
    publish_locked();
  }
  work_ready_.notify_all();
  timer_wake_.notify_all();  // it aborts every request in flight until the workers are gone
  for (auto& [deadline, c] : pending) c->finish(unanswered(Why::shutdown));
  for (auto& w : workers_) w->thread.join();
  {
    std::lock_guard lock(mutex_);
    timer_exit_ = true;
  }
  timer_wake_.notify_all();
  timer_.join();
}

void CalloutClient::Impl::call(const CalloutSpec& spec, const CalloutRequest& request,
                               std::function<void(CalloutResult)> done, std::optional<CancelToken> cancel) {
  auto c = std::make_shared<Call>();
  c->deadline = Clock::now() + spec.timeout;
  if (auto refused = prepare_call(base_, spec, request, c->http)) return done(std::move(*refused));
  if (!c->http.cache_key.empty())
    if (auto hit = cache_.find(c->http.cache_key, Clock::now())) return done(std::move(*hit));
  if (cancel && cancel->cancelled()) {
    counters_->cancelled.fetch_add(1, std::memory_order_relaxed);
    return done(unanswered(Why::cancelled));
  }
  c->cancel = std::move(cancel);
  c->done = std::move(done);
  std::vector<CallPtr> swept;
  std::optional<Why> refused;
  {
    std::lock_guard lock(mutex_);
    refused = enqueue(c, swept);
  }
  if (!refused) work_ready_.notify_one();
  for (auto& s : swept) s->finish(unanswered(Why::cancelled));
  if (refused) c->finish(unanswered(*refused));
}

// Under mutex_. nullopt: queued; else why it fails at once.
std::optional<Why> CalloutClient::Impl::enqueue(const CallPtr& c, std::vector<CallPtr>& swept) {
  if (stopping_) return Why::shutdown;
  if (!breaker_.accepts(Clock::now())) {
    counters_->rejected_breaker_open.fetch_add(1, std::memory_order_relaxed);
    return Why::breaker_open;
  }
  if (queue_.size() >= options_.queue) {
    // Calls whose owners are gone make room first (O(n), only when full).
    for (auto it = queue_.begin(); it != queue_.end();)
      if (it->second->cancelled()) {
        swept.push_back(std::move(it->second));
        it = queue_.erase(it);
      } else {
        ++it;
      }
    counters_->cancelled.fetch_add(swept.size(), std::memory_order_relaxed);
  }
  if (queue_.size() >= options_.queue) {
    counters_->rejected_queue_full.fetch_add(1, std::memory_order_relaxed);
    publish_locked();
    return Why::queue_full;
  }
  auto it = queue_.emplace(c->deadline, c);
  if (it == queue_.begin()) {
    timer_dirty_ = true;
    timer_wake_.notify_one();
  }
  publish_locked();
  return std::nullopt;
}

void CalloutClient::Impl::work(Worker& w) {
  for (;;) {
    CallPtr c;
    Admission admission = Admission::refused;
    std::optional<Why> skip;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;  // the destructor completes what is still queued
      c = std::move(queue_.begin()->second);
      queue_.erase(queue_.begin());
      skip = judge(*c, admission);
      if (!skip) {
        std::lock_guard slot(w.mutex);
        w.current = c;
      }
      publish_locked();
    }
    if (skip) {
      c->finish(unanswered(*skip));
      continue;
    }
    send(w, c, admission);
  }
}

// Under mutex_, for a call just taken from the queue: why it is not sent, if it is not.
std::optional<Why> CalloutClient::Impl::judge(const Call& c, Admission& admission) {
  auto now = Clock::now();
  if (c.cancelled()) {
    counters_->cancelled.fetch_add(1, std::memory_order_relaxed);
    return Why::cancelled;
  }
  if (now >= c.deadline) {  // the timer thread is about to expire it anyway
    counters_->expired_in_queue.fetch_add(1, std::memory_order_relaxed);
    return Why::timeout;
  }
  admission = breaker_.admit(now);
  if (admission == Admission::refused) {
    counters_->rejected_breaker_open.fetch_add(1, std::memory_order_relaxed);
    return Why::breaker_open;
  }
  return std::nullopt;
}

void CalloutClient::Impl::send(Worker& w, const CallPtr& c, Admission admission) {
  CalloutResult r = attempt(*w.client, c->http, remaining(c->deadline));
  bool stopping = false;
  {
    std::lock_guard lock(mutex_);
    {
      std::lock_guard slot(w.mutex);
      w.current.reset();
    }
    stopping = stopping_;
    if (!stopping) breaker_.record(admission, !failed(r), Clock::now());
    publish_locked();
  }
  if (r.why == Why::unreachable && stopping) r.why = Why::shutdown;
  // httplib's own timeouts (the budget, rounded up) fire at the deadline too.
  bool timed_out = r.why == Why::unreachable && Clock::now() >= c->deadline;
  if (timed_out) r.why = Why::timeout;
  if (r.allowed() && !c->http.cache_key.empty()) {
    auto now = Clock::now();
    cache_.put(c->http.cache_key, r, now + c->http.spec.cache_ttl, now);
  }
  // A no-op if the timer thread completed it at its deadline.
  c->finish(std::move(r), timed_out ? &counters_->expired_in_flight : nullptr);
}

// The timer thread: completes queued calls at their deadline without sending
// them, and aborts requests that outlive theirs (httplib's timeouts are per
// read, so a backend trickling bytes would otherwise hold a worker for long).
void CalloutClient::Impl::watch() {
  std::unique_lock lock(mutex_);
  while (!timer_exit_) {
    Due due = take_due_locked(Clock::now());
    lock.unlock();
    for (auto& c : due.expired) {
      bool cancelled = c->cancelled();
      c->finish(unanswered(cancelled ? Why::cancelled : Why::timeout),
                cancelled ? &counters_->cancelled : &counters_->expired_in_queue);
    }
    for (auto& [w, c] : due.overdue) {
      {
        std::lock_guard slot(w->mutex);
        if (w->current == c) w->client->stop();  // its request fails; the worker records it
      }
      if (!due.stopping) c->finish(unanswered(Why::timeout), &counters_->expired_in_flight);
    }
    auto next = due.next;
    due = {};  // the calls die here, not while the timer thread sleeps
    lock.lock();
    auto wake = [this] { return timer_exit_ || timer_dirty_; };
    if (next == Clock::time_point::max()) timer_wake_.wait(lock, wake);
    else timer_wake_.wait_until(lock, next, wake);
  }
}

// Under mutex_: the queued calls whose deadline passed (taken out of the
// queue), the requests to abort, and when to look again.
CalloutClient::Impl::Due CalloutClient::Impl::take_due_locked(Clock::time_point now) {
  Due due;
  while (!queue_.empty() && queue_.begin()->first <= now) {
    due.expired.push_back(std::move(queue_.begin()->second));
    queue_.erase(queue_.begin());
  }
  if (!queue_.empty()) due.next = queue_.begin()->first;
  for (auto& w : workers_) {
    if (!w->current) continue;
    if (stopping_ || w->current->deadline <= now) due.overdue.emplace_back(w.get(), w->current);
    else due.next = std::min(due.next, w->current->deadline);
  }
  // Until an aborted request has returned (the abort may have come before its socket existed).
  if (!due.overdue.empty()) due.next = std::min(due.next, now + kAbortRetry);
  due.stopping = stopping_;
  timer_dirty_ = false;
  publish_locked();
  return due;
}

// Under mutex_: the gauges.
void CalloutClient::Impl::publish_locked() {
  counters_->queued.store(static_cast<std::int64_t>(queue_.size()), std::memory_order_relaxed);
  counters_->breaker_state.store(static_cast<int>(breaker_.state()), std::memory_order_relaxed);
  counters_->breaker_opens.store(breaker_.opens(), std::memory_order_relaxed);
}

CalloutClient::CalloutClient(std::string base_url, CalloutOptions options)
    : impl_(std::make_unique<Impl>(std::move(base_url), options)) {}

CalloutClient::CalloutClient(std::string base_url, unsigned threads, std::size_t queue_capacity,
                             const std::string& ca_file)
    : CalloutClient(std::move(base_url), CalloutOptions{threads, queue_capacity, {}, ca_file}) {}

CalloutClient::~CalloutClient() = default;

void CalloutClient::call(const CalloutSpec& spec, CalloutRequest request, std::function<void(CalloutResult)> done) {
  impl_->call(spec, request, std::move(done), std::nullopt);
}

void CalloutClient::call(const CalloutSpec& spec, CalloutRequest request, std::function<void(CalloutResult)> done,
                         CancelToken cancel) {
  impl_->call(spec, request, std::move(done), std::move(cancel));
}

std::shared_ptr<const CalloutCounters> CalloutClient::counters() const { return impl_->counters_; }

std::string_view to_string(CalloutResult::Outcome outcome) {
  static constexpr std::string_view names[] = {"allowed", "denied", "unavailable"};
  return names[static_cast<int>(outcome)];
}

}  // namespace gangway::backend
