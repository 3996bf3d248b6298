#include "gateway/backend/answer_cache.hpp"

#include <functional>

namespace gangway::backend {

std::string cache_key(const CalloutSpec& spec, std::string_view path, std::string_view body,
                      const CalloutRequest& request) {
  // Lengths before the variable parts keep "a"+"bc" and "ab"+"c" apart.
  std::string key;
  auto field = [&key](std::string_view v) {
    key += std::to_string(v.size());
    key += ':';
    key += v;
    key += '|';
  };
  auto credential = [&](bool forwarded, const std::string& value) {
    if (!forwarded || value.empty()) return field("-");
    field(std::to_string(std::hash<std::string>{}(value)));
  };
  field(spec.method);
  field(path);
  field(body);
  field(spec.allow_pointer);
  field(spec.allow_pointer.empty() ? std::string() : spec.allow_equals.dump());
  credential(spec.forward_bearer, request.bearer);
  credential(spec.forward_cookie, request.cookie);
  return key;
}

AnswerCache::AnswerCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

std::optional<CalloutResult> AnswerCache::find(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    erase(it);
    return std::nullopt;
  }
  return it->second.result;
}

void AnswerCache::put(const std::string& key, CalloutResult result, Clock::time_point expires,
                      Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end()) erase(it);
  // Expired entries at the old end go on every insert (amortised O(1)), so
  // answers for keys never asked again do not sit until the cap is reached.
  while (!order_.empty()) {
    auto oldest = entries_.find(*order_.front());
    if (oldest->second.expires > now) break;
    erase(oldest);
  }
  while (entries_.size() >= capacity_) erase(entries_.find(*order_.front()));
  auto it = entries_.emplace(key, Entry{std::move(result), expires, {}}).first;
  it->second.order = order_.insert(order_.end(), &it->first);
}

std::size_t AnswerCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void AnswerCache::erase(Map::iterator it) {
  order_.erase(it->second.order);
  entries_.erase(it);
}

}  // namespace gangway::backend
