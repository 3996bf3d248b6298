#pragma once
// Seed 002 ("tribe") data: conversations and their messages, in memory.
// Thread-safe: one mutex guards everything; every accessor returns copies.
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace demo {

struct TribeConversation {
  std::string id;
  std::vector<std::string> participant_ids;
  std::string created_at;
};

struct TribeMessage {
  std::string id;
  std::string conversation_id;
  std::string sender_id;
  std::string content;
  std::string message_type;
  std::string created_at;
};

class TribeStore {
 public:
  // "c-general" (alice, bob, carol) and "c-ab" (alice, bob), no messages.
  TribeStore();

  enum class Membership { participant, not_participant, no_conversation };
  Membership membership(std::string_view conversation_id, std::string_view user_id) const;

  std::optional<TribeConversation> conversation(std::string_view id) const;
  // The user's conversations, in creation order.
  std::vector<TribeConversation> conversations_of(std::string_view user_id) const;
  // Stores a new conversation under a fresh id and returns it.
  TribeConversation create_conversation(std::vector<std::string> participant_ids, std::string created_at);

  // Appends to an existing conversation (false if there is none). The oldest
  // messages go beyond kMaxMessagesPerConversation, so a long demo cannot
  // exhaust memory.
  bool add_message(TribeMessage m);
  // Removes a message again (a publish that failed after the store).
  void remove_message(std::string_view conversation_id, std::string_view message_id);
  std::vector<TribeMessage> messages(std::string_view conversation_id) const;

  static constexpr std::size_t kMaxMessagesPerConversation = 10'000;

 private:
  struct Entry {
    TribeConversation conversation;
    std::deque<TribeMessage> messages;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> conversations_;
  std::vector<std::string> order_;  // conversation ids in creation order
};

}  // namespace demo
