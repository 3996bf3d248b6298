#include "deploy/demo_backend/pythia_store.hpp"

#include "deploy/demo_backend/lookup.hpp"

namespace demo {

PythiaStore::PythiaStore() {
  for (auto c : {PythiaChannel{kGeneral, "general", false, {"u-alice", "u-bob", "u-carol"}},
                 PythiaChannel{kRandom, "random", false, {"u-alice", "u-bob"}},
                 PythiaChannel{kSecret, "secret", true, {"u-alice", "u-bob"}}}) {
    std::string id = c.id;
    order_.push_back(id);
    channels_.emplace(std::move(id), Entry{std::move(c), {}});
  }
}

std::optional<PythiaChannel> PythiaStore::channel(std::string_view id) const {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(id);
  if (it == channels_.end()) return std::nullopt;
  return it->second.channel;
}

std::vector<PythiaChannel> PythiaStore::channels() const {
  std::lock_guard lock(mutex_);
  std::vector<PythiaChannel> out;
  for (const auto& id : order_) out.push_back(channels_.find(id)->second.channel);
  return out;
}

std::vector<std::string> PythiaStore::channel_ids_of(std::string_view user_id) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& id : order_) {
    if (contains(channels_.find(id)->second.channel.member_ids, user_id)) out.push_back(id);
  }
  return out;
}

PythiaStore::Change PythiaStore::add_member(std::string_view channel_id, const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel_id);
  if (it == channels_.end()) return Change::no_channel;
  auto& members = it->second.channel.member_ids;
  if (contains(members, user_id)) return Change::unchanged;
  members.push_back(user_id);
  return Change::done;
}

PythiaStore::Change PythiaStore::remove_member(std::string_view channel_id, std::string_view user_id) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel_id);
  if (it == channels_.end()) return Change::no_channel;
  auto& members = it->second.channel.member_ids;
  auto m = std::find(members.begin(), members.end(), user_id);
  if (m == members.end()) return Change::unchanged;
  members.erase(m);
  return Change::done;
}

bool PythiaStore::add_message(PythiaMessage m) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(m.channel_id);
  if (it == channels_.end()) return false;
  auto& ids = it->second.message_ids;
  if (ids.size() >= kMaxMessagesPerChannel) {
    messages_.erase(ids.front());
    ids.pop_front();
  }
  ids.push_back(m.id);
  std::string id = m.id;
  messages_.emplace(std::move(id), Stored{std::move(m), {}});
  return true;
}

void PythiaStore::remove_message(std::string_view message_id) {
  std::lock_guard lock(mutex_);
  auto it = messages_.find(message_id);
  if (it == messages_.end()) return;
  if (auto c = channels_.find(it->second.message.channel_id); c != channels_.end()) {
    auto& ids = c->second.message_ids;
    ids.erase(std::remove(ids.begin(), ids.end(), message_id), ids.end());
  }
  messages_.erase(it);
}

std::optional<PythiaMessage> PythiaStore::message(std::string_view id) const {
  std::lock_guard lock(mutex_);
  auto it = messages_.find(id);
  if (it == messages_.end()) return std::nullopt;
  return it->second.message;
}

bool PythiaStore::react(std::string_view message_id, const std::string& user_id, const std::string& emoji,
                        bool add) {
  std::lock_guard lock(mutex_);
  auto it = messages_.find(message_id);
  if (it == messages_.end()) return false;
  auto& reactions = it->second.reactions;
  if (add) return reactions.emplace(user_id, emoji).second;
  return reactions.erase({user_id, emoji}) > 0;
}

}  // namespace demo
