#pragma once
// Helpers for driving a CalloutClient from a test thread.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "gateway/backend/callout_client.hpp"

namespace gangway::test {

// Collects the results of many calls and counts how often each `done` ran.
class Results {
 public:
  // A completion for call number `i`; results land in slot i.
  std::function<void(backend::CalloutResult)> slot(std::size_t i);
  // Waits until `n` completions arrived; false on timeout.
  bool wait(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::size_t completions();
  std::optional<backend::CalloutResult> at(std::size_t i);
  // When call i completed (steady clock); nullopt if it has not.
  std::optional<std::chrono::steady_clock::time_point> completed_at(std::size_t i);
  std::size_t extra_completions();  // `done` ran more than once somewhere

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::optional<backend::CalloutResult>> results_;
  std::vector<std::chrono::steady_clock::time_point> times_;
  std::size_t completions_ = 0;
  std::size_t extra_ = 0;
};

// Polls `cond` until it holds (true) or `timeout` passes (false).
bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Makes one call and waits for it (fails the test after 10 s).
backend::CalloutResult call_sync(backend::CalloutClient& client, const backend::CalloutSpec& spec,
                                 backend::CalloutRequest request = {});

}  // namespace gangway::test
