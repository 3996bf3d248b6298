#include "deploy/demo_backend/social_store.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "deploy/demo_backend/ids.hpp"

namespace demo {

namespace {

// Newest first: walks `items` (oldest first) backwards, skipping `offset` matches.
template <class T, class Pred>
std::vector<T> newest_first(const std::deque<T>& items, std::size_t limit, std::size_t offset, Pred keep) {
  std::vector<T> out;
  for (auto it = items.rbegin(); it != items.rend() && out.size() < limit; ++it) {
    if (!keep(*it)) continue;
    if (offset > 0) {
      --offset;
      continue;
    }
    out.push_back(*it);
  }
  return out;
}

}  // namespace

SocialStore::SocialStore()
    : users_{{1, "admin", "password", true},
             {2, "alice", "password", false},
             {3, "bob", "password", false},
             {4, "carol", "password", false}} {
  groups_[1] = SocialGroup{1, "Developers", {{2, true}, {3, true}}};
  groups_[2] = SocialGroup{2, "Designers", {{2, true}, {3, false}, {4, true}}};
}

std::optional<SocialUser> SocialStore::user(std::int64_t id) const {
  for (const auto& u : users_)  // never changes after construction: no lock
    if (u.id == id) return u;
  return std::nullopt;
}

std::optional<SocialUser> SocialStore::check_password(std::string_view username,
                                                      std::string_view password) const {
  for (const auto& u : users_) {
    if (u.username != username) continue;
    if (u.password.size() != password.size()) return std::nullopt;
    if (CRYPTO_memcmp(u.password.data(), password.data(), password.size()) != 0) return std::nullopt;
    return u;
  }
  return std::nullopt;
}

std::string SocialStore::create_session(std::int64_t user_id) {
  std::string token = new_uuid();
  std::lock_guard lock(mutex_);
  sessions_[token] = user_id;
  session_order_.push_back(token);
  while (session_order_.size() > kMaxSessions) {
    sessions_.erase(session_order_.front());
    session_order_.pop_front();
  }
  return token;
}

std::optional<SocialUser> SocialStore::session_user(std::string_view token) const {
  std::int64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(token);
    if (it == sessions_.end()) return std::nullopt;
    id = it->second;
  }
  return user(id);
}

void SocialStore::end_session(std::string_view token) {
  std::lock_guard lock(mutex_);
  if (auto it = sessions_.find(token); it != sessions_.end()) sessions_.erase(it);
  // session_order_ keeps the stale token until it ages out; erasing it then is harmless.
}

SocialStore::Membership SocialStore::membership(std::int64_t group_id, std::int64_t user_id) const {
  std::lock_guard lock(mutex_);
  auto g = groups_.find(group_id);
  if (g == groups_.end()) return Membership::no_group;
  auto m = g->second.members.find(user_id);
  if (m == g->second.members.end()) return Membership::none;
  return m->second ? Membership::accepted : Membership::pending;
}

std::optional<SocialGroup> SocialStore::group(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  auto g = groups_.find(id);
  if (g == groups_.end()) return std::nullopt;
  return g->second;
}

std::vector<std::int64_t> SocialStore::accepted_groups(std::int64_t user_id) const {
  std::lock_guard lock(mutex_);
  std::vector<std::int64_t> out;
  for (const auto& [id, g] : groups_) {
    auto m = g.members.find(user_id);
    if (m != g.members.end() && m->second) out.push_back(id);
  }
  return out;
}

SocialStore::Membership SocialStore::invite(std::int64_t group_id, std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto g = groups_.find(group_id);
  if (g == groups_.end()) return Membership::no_group;
  auto [m, inserted] = g->second.members.emplace(user_id, false);
  if (!inserted && m->second) return Membership::accepted;
  return Membership::pending;
}

SocialMessage SocialStore::add_message(const std::string& request_id, SocialMessage m) {
  std::lock_guard lock(mutex_);
  if (auto seen = by_request_.find(request_id); seen != by_request_.end()) return seen->second;
  m.id = next_message_id_++;
  messages_.push_back(m);
  by_request_.emplace(request_id, m);
  request_order_.push_back(request_id);
  while (messages_.size() > kMaxMessages) messages_.pop_front();
  while (request_order_.size() > kMaxMessages) {
    by_request_.erase(request_order_.front());
    request_order_.pop_front();
  }
  return m;
}

std::vector<SocialMessage> SocialStore::private_messages(std::int64_t a, std::int64_t b, std::size_t limit,
                                                         std::size_t offset) const {
  std::lock_guard lock(mutex_);
  return newest_first(messages_, limit, offset, [a, b](const SocialMessage& m) {
    return m.type == "private" && ((m.from == a && m.to == b) || (m.from == b && m.to == a));
  });
}

std::vector<SocialMessage> SocialStore::group_messages(std::string_view group_id, std::size_t limit,
                                                       std::size_t offset) const {
  std::lock_guard lock(mutex_);
  return newest_first(messages_, limit, offset, [group_id](const SocialMessage& m) {
    return m.type == "group" && m.group_id == group_id;
  });
}

SocialNotification SocialStore::add_notification(std::int64_t user_id, std::string type, std::string message,
                                                 std::string created_at) {
  std::lock_guard lock(mutex_);
  SocialNotification n{next_notification_id_++, user_id, std::move(type),
                       std::move(message),      false,   std::move(created_at)};
  notifications_.push_back(n);
  while (notifications_.size() > kMaxNotifications) notifications_.pop_front();
  return n;
}

std::vector<SocialNotification> SocialStore::notifications(std::int64_t user_id, std::size_t limit,
                                                           std::size_t offset) const {
  std::lock_guard lock(mutex_);
  return newest_first(notifications_, limit, offset,
                      [user_id](const SocialNotification& n) { return n.user_id == user_id; });
}

void SocialStore::mark_read(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  for (auto& n : notifications_)
    if (n.user_id == user_id) n.is_read = true;
}

}  // namespace demo
