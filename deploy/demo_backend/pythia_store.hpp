#pragma once
// Seed 001 ("pythia") data: channels with members, messages and reactions, in
// memory. Thread-safe: one mutex guards everything; accessors return copies.
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace demo {

struct PythiaChannel {
  std::string id;  // a UUID, as pythia's ids are
  std::string name;
  bool is_private = false;
  std::vector<std::string> member_ids;  // in joining order
};

struct PythiaMessage {
  std::string id;
  std::string channel_id;
  std::string user_id;
  std::string content;
  std::string created_at;
  std::string updated_at;
};

class PythiaStore {
 public:
  // Public "general" (alice, bob, carol) and "random" (alice, bob); private
  // "secret" (alice, bob). Ids are fixed (kGeneral, kRandom, kSecret).
  PythiaStore();

  static constexpr const char* kGeneral = "6f1c2a4e-1b7d-4c3a-9e2f-000000000001";
  static constexpr const char* kRandom = "6f1c2a4e-1b7d-4c3a-9e2f-000000000002";
  static constexpr const char* kSecret = "6f1c2a4e-1b7d-4c3a-9e2f-000000000003";

  std::optional<PythiaChannel> channel(std::string_view id) const;
  // All channels in creation order.
  std::vector<PythiaChannel> channels() const;
  // Ids of the channels `user_id` is a member of, in creation order.
  std::vector<std::string> channel_ids_of(std::string_view user_id) const;

  enum class Change { done, unchanged, no_channel };
  // Adds or removes a member; `unchanged` if they already were / were not one.
  Change add_member(std::string_view channel_id, const std::string& user_id);
  Change remove_member(std::string_view channel_id, std::string_view user_id);

  // Appends to an existing channel (false if there is none); the oldest go
  // beyond kMaxMessagesPerChannel.
  bool add_message(PythiaMessage m);
  void remove_message(std::string_view message_id);
  std::optional<PythiaMessage> message(std::string_view id) const;

  // Records (add) or drops (remove) one user's emoji on a message; false if
  // nothing changed (a repeated add or a remove of what is not there).
  bool react(std::string_view message_id, const std::string& user_id, const std::string& emoji, bool add);

  static constexpr std::size_t kMaxMessagesPerChannel = 10'000;

 private:
  struct Entry {
    PythiaChannel channel;
    std::deque<std::string> message_ids;  // oldest first
  };
  struct Stored {
    PythiaMessage message;
    std::set<std::pair<std::string, std::string>> reactions;  // (user id, emoji)
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> channels_;
  std::vector<std::string> order_;  // channel ids in creation order
  std::map<std::string, Stored, std::less<>> messages_;
};

}  // namespace demo
