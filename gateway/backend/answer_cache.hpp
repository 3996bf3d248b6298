#pragma once
// A TTL cache of allowed callout answers, shared by the callers and the
// workers of one CalloutClient. Thread-safe (one mutex, O(1) operations).
//
// Only allowed answers go in: a denial or an outage must be re-asked, so that
// access granted by the backend takes effect at once and a blip is not
// remembered. Bounded: at capacity the expired entries at the old end go
// first, then the oldest entry.
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/backend/callout_client.hpp"

namespace gangway::backend {

// method, expanded path and body, the allow rule, and std::hash of each
// forwarded credential. The raw credential never enters the key (keys may be
// logged or dumped); a hash collision between two credentials could share an
// answer, which std::hash makes unlikely but not impossible.
std::string cache_key(const CalloutSpec& spec, std::string_view path, std::string_view body,
                      const CalloutRequest& request);

class AnswerCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit AnswerCache(std::size_t capacity = 100'000);

  // The stored answer if present and not expired at `now` (an expired one is dropped).
  std::optional<CalloutResult> find(const std::string& key, Clock::time_point now);

  // Stores or replaces the answer for `key` until `expires`.
  void put(const std::string& key, CalloutResult result, Clock::time_point expires, Clock::time_point now);

  std::size_t size() const;

 private:
  struct Entry {
    CalloutResult result;
    Clock::time_point expires;
    std::list<const std::string*>::iterator order;  // position in order_
  };
  using Map = std::unordered_map<std::string, Entry>;

  void erase(Map::iterator it);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  Map entries_;
  // Keys in insertion order (oldest first); the pointers refer to the map's
  // own key strings, which unordered_map keeps stable across rehashing.
  std::list<const std::string*> order_;
};

}  // namespace gangway::backend
