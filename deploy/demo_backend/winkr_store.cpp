#include "deploy/demo_backend/winkr_store.hpp"

#include "deploy/demo_backend/ids.hpp"
#include "deploy/demo_backend/lookup.hpp"

namespace demo {

namespace {
// Fixed, so the seeded data is the same on every start.
constexpr const char* kWinkrSeedTime = "2025-01-01T00:00:00Z";
}  // namespace

WinkrStore::WinkrStore() {
  for (auto c : {WinkrConversation{"conv-ab", {"u-alice", "u-bob"}, kWinkrSeedTime},
                 WinkrConversation{"conv-bc", {"u-bob", "u-carol"}, kWinkrSeedTime}}) {
    std::string id = c.id;
    order_.push_back(id);
    conversations_.emplace(std::move(id), Entry{std::move(c), {}});
  }
}

WinkrStore::Access WinkrStore::access(std::string_view conversation_id, std::string_view user_id) const {
  std::lock_guard lock(mutex_);
  auto it = conversations_.find(conversation_id);
  if (it == conversations_.end()) return Access::no_conversation;
  return contains(it->second.conversation.user_ids, user_id) ? Access::participant : Access::not_participant;
}

std::optional<WinkrConversation> WinkrStore::conversation(std::string_view id) const {
  std::lock_guard lock(mutex_);
  auto it = conversations_.find(id);
  if (it == conversations_.end()) return std::nullopt;
  return it->second.conversation;
}

std::vector<WinkrConversation> WinkrStore::conversations_of(std::string_view user_id) const {
  std::lock_guard lock(mutex_);
  std::vector<WinkrConversation> out;
  for (const auto& id : order_) {
    const auto& c = conversations_.find(id)->second.conversation;
    if (contains(c.user_ids, user_id)) out.push_back(c);
  }
  return out;
}

WinkrConversation WinkrStore::open_conversation(const std::string& a, const std::string& b,
                                                const std::string& now) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, entry] : conversations_) {
    const auto& users = entry.conversation.user_ids;
    if (contains(users, a) && contains(users, b)) return entry.conversation;
  }
  WinkrConversation c{"conv-" + new_uuid(), {a, b}, now};
  order_.push_back(c.id);
  conversations_.emplace(c.id, Entry{c, {}});
  return c;
}

bool WinkrStore::add_message(WinkrMessage m) {
  std::lock_guard lock(mutex_);
  auto it = conversations_.find(m.conversation_id);
  if (it == conversations_.end()) return false;
  auto& messages = it->second.messages;
  messages.push_back(std::move(m));
  if (messages.size() > kMaxMessagesPerConversation) messages.pop_front();
  return true;
}

std::optional<WinkrMessage> WinkrStore::message(std::string_view conversation_id,
                                                std::string_view message_id) const {
  std::lock_guard lock(mutex_);
  auto it = conversations_.find(conversation_id);
  if (it == conversations_.end()) return std::nullopt;
  for (const auto& m : it->second.messages)
    if (m.id == message_id) return m;
  return std::nullopt;
}

std::vector<WinkrMessage> WinkrStore::messages(std::string_view conversation_id) const {
  std::lock_guard lock(mutex_);
  auto it = conversations_.find(conversation_id);
  if (it == conversations_.end()) return {};
  return {it->second.messages.begin(), it->second.messages.end()};
}

bool WinkrStore::mark_read(std::string_view conversation_id, std::string_view message_id,
                           std::string_view reader_id) {
  std::lock_guard lock(mutex_);
  auto it = conversations_.find(conversation_id);
  if (it == conversations_.end()) return false;
  auto& messages = it->second.messages;
  auto last =
      std::find_if(messages.begin(), messages.end(), [&](const auto& m) { return m.id == message_id; });
  if (last == messages.end()) return false;
  for (auto m = messages.begin(); m != std::next(last); ++m)
    if (m->sender_id != reader_id) m->is_read = true;
  return true;
}

bool WinkrStore::remove_message(std::string_view conversation_id, std::string_view message_id) {
  std::lock_guard lock(mutex_);
  auto it = conversations_.find(conversation_id);
  if (it == conversations_.end()) return false;
  auto& messages = it->second.messages;
  auto m = std::find_if(messages.begin(), messages.end(), [&](const auto& x) { return x.id == message_id; });
  if (m == messages.end()) return false;
  messages.erase(m);
  return true;
}

WinkrStore::Unread WinkrStore::unread(std::string_view conversation_id, std::string_view user_id) const {
  std::lock_guard lock(mutex_);
  Unread out;
  auto it = conversations_.find(conversation_id);
  if (it == conversations_.end()) return out;
  for (const auto& m : it->second.messages) {
    if (m.sender_id == user_id || m.is_read) continue;
    ++out.count;
    out.last = m;
  }
  return out;
}

}  // namespace demo
