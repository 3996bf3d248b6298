#include "tests/backend/callout_support.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

namespace gangway::test {

std::function<void(backend::CalloutResult)> Results::slot(std::size_t i) {
  return [this, i](backend::CalloutResult r) {
    // Notified under the lock: a waiter that wakes may destroy this Results
    // as soon as it can take the lock, before a notify after it would run.
    std::lock_guard lock(mutex_);
    if (results_.size() <= i) {
      results_.resize(i + 1);
      times_.resize(i + 1);
    }
    if (results_[i]) ++extra_;
    results_[i] = std::move(r);
    times_[i] = std::chrono::steady_clock::now();
    ++completions_;
    changed_.notify_all();
  };
}

bool Results::wait(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return completions_ >= n; });
}

std::size_t Results::completions() {
  std::lock_guard lock(mutex_);
  return completions_;
}

std::optional<backend::CalloutResult> Results::at(std::size_t i) {
  std::lock_guard lock(mutex_);
  return i < results_.size() ? results_[i] : std::nullopt;
}

std::optional<std::chrono::steady_clock::time_point> Results::completed_at(std::size_t i) {
  std::lock_guard lock(mutex_);
  if (i >= results_.size() || !results_[i]) return std::nullopt;
  return times_[i];
}

std::size_t Results::extra_completions() {
  std::lock_guard lock(mutex_);
  return extra_;
}

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

backend::CalloutResult call_sync(backend::CalloutClient& client, const backend::CalloutSpec& spec,
                                 backend::CalloutRequest request) {
  // Shared, so that a call completing after a failed wait touches live memory.
  auto results = std::make_shared<Results>();
  auto slot = results->slot(0);
  client.call(spec, std::move(request), [results, slot](backend::CalloutResult r) { slot(std::move(r)); });
  EXPECT_TRUE(results->wait(1)) << "callout did not complete";
  auto r = results->at(0);
  return r ? *r : backend::CalloutResult{};
}

}  // namespace gangway::test
