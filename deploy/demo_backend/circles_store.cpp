#include "deploy/demo_backend/circles_store.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <charconv>
#include <ctime>

namespace demo {

namespace {

constexpr std::int64_t kHour = 3600;

bool has(const CirclesThread& t, std::int64_t user_id) {
  return std::find(t.participants.begin(), t.participants.end(), user_id) != t.participants.end();
}

}  // namespace

std::string iso8601_at(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::int64_t> parse_int_id(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

CirclesStore::CirclesStore(std::int64_t now)
    : users_{{8, "maya", "Maya Patel", "https://cdn.circles.example/avatars/8.png", "password"},
             {6, "noah", "Noah Kim", std::nullopt, "password"},
             {7, "lena", "Lena Okafor", "https://cdn.circles.example/avatars/7.png", "password"},
             {9, "omar", "Omar Haddad", std::nullopt, "password"}} {
  std::string created = iso8601_at(now - 72 * kHour);
  threads_[2] = {2, {8, 6}, "accepted", created};
  threads_[3] = {3, {7, 8}, "pending", created};
  threads_[4] = {4, {6, 7}, "accepted", created};
  check_ins_ = {{1, 8, now - 1 * kHour}, {1, 6, now - 2 * kHour}, {1, 7, now - 20 * kHour}, {2, 8, now - 30 * kHour}};
}

std::optional<CirclesUser> CirclesStore::user(std::int64_t id) const {
  for (const auto& u : users_)  // users_ never changes: no lock needed
    if (u.id == id) return u;
  return std::nullopt;
}

std::optional<CirclesUser> CirclesStore::check_password(std::string_view username, std::string_view password) const {
  for (const auto& u : users_) {
    if (u.username != username) continue;
    if (u.password.size() != password.size()) return std::nullopt;
    if (CRYPTO_memcmp(u.password.data(), password.data(), password.size()) != 0) return std::nullopt;
    return u;
  }
  return std::nullopt;
}

std::optional<CirclesThread> CirclesStore::thread(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = threads_.find(id);
  if (it == threads_.end()) return std::nullopt;
  return it->second;
}

std::vector<CirclesThread> CirclesStore::threads_of(std::int64_t user_id) const {
  std::lock_guard lock(mutex_);
  std::vector<CirclesThread> out;
  for (const auto& [id, t] : threads_)
    if (has(t, user_id)) out.push_back(t);
  return out;
}

CirclesThread CirclesStore::request_thread(std::int64_t from, std::int64_t to, std::string created_at) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, t] : threads_)
    if (has(t, from) && has(t, to)) return t;
  CirclesThread t{next_thread_id_++, {from, to}, "pending", std::move(created_at)};
  threads_[t.id] = t;
  return t;
}

bool CirclesStore::accept(std::int64_t thread_id) {
  std::lock_guard lock(mutex_);
  auto it = threads_.find(thread_id);
  if (it == threads_.end() || it->second.status != "pending") return false;
  it->second.status = "accepted";
  return true;
}

std::optional<CirclesMessage> CirclesStore::add_message(CirclesMessage m) {
  std::lock_guard lock(mutex_);
  if (!threads_.count(m.thread_id)) return std::nullopt;
  m.id = next_message_id_++;
  auto& list = messages_[m.thread_id];
  list.push_back(m);
  if (list.size() > kMaxMessagesPerThread) list.pop_front();
  return m;
}

void CirclesStore::remove_message(std::int64_t thread_id, std::int64_t message_id) {
  std::lock_guard lock(mutex_);
  auto& list = messages_[thread_id];
  list.erase(std::remove_if(list.begin(), list.end(), [&](const CirclesMessage& m) { return m.id == message_id; }),
             list.end());
}

std::vector<CirclesMessage> CirclesStore::messages(std::int64_t thread_id) const {
  std::lock_guard lock(mutex_);
  auto it = messages_.find(thread_id);
  if (it == messages_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

bool CirclesStore::has_message(std::int64_t thread_id, std::int64_t message_id) const {
  std::lock_guard lock(mutex_);
  auto it = messages_.find(thread_id);
  if (it == messages_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(), [&](const CirclesMessage& m) { return m.id == message_id; });
}

void CirclesStore::set_last_read(std::int64_t thread_id, std::int64_t user_id, std::string at) {
  std::lock_guard lock(mutex_);
  last_read_[{thread_id, user_id}] = std::move(at);
}

void CirclesStore::add_reaction(std::int64_t message_id, std::int64_t user_id, std::string emoji) {
  std::lock_guard lock(mutex_);
  reactions_[{message_id, user_id}] = std::move(emoji);
}

void CirclesStore::check_in(CirclesCheckIn c) {
  std::lock_guard lock(mutex_);
  check_ins_.push_back(c);
  if (check_ins_.size() > kMaxCheckIns) check_ins_.pop_front();
}

std::optional<std::int64_t> CirclesStore::last_check_in(std::int64_t place_id, std::int64_t user_id) const {
  std::lock_guard lock(mutex_);
  std::optional<std::int64_t> latest;
  for (const auto& c : check_ins_)
    if (c.place_id == place_id && c.user_id == user_id && (!latest || c.at > *latest)) latest = c.at;
  return latest;
}

}  // namespace demo
