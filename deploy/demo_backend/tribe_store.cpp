#include "deploy/demo_backend/tribe_store.hpp"

#include "deploy/demo_backend/ids.hpp"
#include "deploy/demo_backend/lookup.hpp"

namespace demo {

namespace {
// Fixed, so the seeded data is the same on every start.
constexpr const char* kTribeSeedTime = "2024-01-01T00:00:00Z";
}  // namespace

TribeStore::TribeStore() {
  for (auto c : {TribeConversation{"c-general", {"u-alice", "u-bob", "u-carol"}, kTribeSeedTime},
                 TribeConversation{"c-ab", {"u-alice", "u-bob"}, kTribeSeedTime}}) {
    std::string id = c.id;  // not c.id as the key: Entry{std::move(c)} may run first
    order_.push_back(id);
    conversations_.emplace(std::move(id), Entry{std::move(c), {}});
  }
}

TribeStore::Membership TribeStore::membership(std::string_view conversation_id,
                                              std::string_view user_id) const {
  std::lock_guard lock(mutex_);
  auto it = conversations_.find(conversation_id);
  if (it == conversations_.end()) return Membership::no_conversation;
  return contains(it->second.conversation.participant_ids, user_id) ? Membership::participant
                                                               : Membership::not_participant;
}

std::optional<TribeConversation> TribeStore::conversation(std::string_view id) const {
  std::lock_guard lock(mutex_);
  auto it = conversations_.find(id);
  if (it == conversations_.end()) return std::nullopt;
  return it->second.conversation;
}

std::vector<TribeConversation> TribeStore::conversations_of(std::string_view user_id) const {
  std::lock_guard lock(mutex_);
  std::vector<TribeConversation> out;
  for (const auto& id : order_) {
    const auto& c = conversations_.find(id)->second.conversation;
    if (contains(c.participant_ids, user_id)) out.push_back(c);
  }
  return out;
}

TribeConversation TribeStore::create_conversation(std::vector<std::string> participant_ids,
                                                  std::string created_at) {
  TribeConversation c{new_uuid(), std::move(participant_ids), std::move(created_at)};
  std::lock_guard lock(mutex_);
  order_.push_back(c.id);
  conversations_.emplace(c.id, Entry{c, {}});
  return c;
}

bool TribeStore::add_message(TribeMessage m) {
  std::lock_guard lock(mutex_);
  auto it = conversations_.find(m.conversation_id);
  if (it == conversations_.end()) return false;
  auto& msgs = it->second.messages;
  if (msgs.size() >= kMaxMessagesPerConversation) msgs.pop_front();
  msgs.push_back(std::move(m));
  return true;
}

void TribeStore::remove_message(std::string_view conversation_id, std::string_view message_id) {
  std::lock_guard lock(mutex_);
  auto it = conversations_.find(conversation_id);
  if (it == conversations_.end()) return;
  auto& msgs = it->second.messages;
  msgs.erase(
      std::remove_if(msgs.begin(), msgs.end(), [&](const TribeMessage& m) { return m.id == message_id; }),
      msgs.end());
}

std::vector<TribeMessage> TribeStore::messages(std::string_view conversation_id) const {
  std::lock_guard lock(mutex_);
  auto it = conversations_.find(conversation_id);
  if (it == conversations_.end()) return {};
  return {it->second.messages.begin(), it->second.messages.end()};
}

}  // namespace demo
