#pragma once
// Seed 004 ("winkr") data: one-to-one conversations and their messages, in
// memory. Thread-safe: one mutex guards everything; accessors return copies.
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/model.hpp"

namespace demo {

struct WinkrConversation {
  std::string id;
  std::vector<std::string> user_ids;  // exactly two: a match
  std::string created_at;
};

struct WinkrMessage {
  std::string id;
  std::string conversation_id;
  std::string sender_id;
  std::string content;
  std::string type;
  gangway::Json metadata = gangway::Json::object();
  std::string created_at;
  std::string updated_at;
  bool is_read = false;
};

class WinkrStore {
 public:
  // "conv-ab" (alice and bob) and "conv-bc" (bob and carol), no messages.
  WinkrStore();

  enum class Access { participant, not_participant, no_conversation };
  Access access(std::string_view conversation_id, std::string_view user_id) const;

  std::optional<WinkrConversation> conversation(std::string_view id) const;
  std::vector<WinkrConversation> conversations_of(std::string_view user_id) const;
  // The conversation between the two users, created if there is none yet.
  WinkrConversation open_conversation(const std::string& a, const std::string& b, const std::string& now);

  // Appends to an existing conversation (false if there is none); the oldest
  // messages go beyond kMaxMessagesPerConversation.
  bool add_message(WinkrMessage m);
  std::optional<WinkrMessage> message(std::string_view conversation_id, std::string_view message_id) const;
  std::vector<WinkrMessage> messages(std::string_view conversation_id) const;
  // Marks every message the reader did not send, up to and including
  // `message_id`, as read. False if there is no such message.
  bool mark_read(std::string_view conversation_id, std::string_view message_id, std::string_view reader_id);
  // False if there is no such message.
  bool remove_message(std::string_view conversation_id, std::string_view message_id);

  struct Unread {
    std::size_t count = 0;
    std::optional<WinkrMessage> last;  // the newest unread message
  };
  // Messages sent to `user_id` in the conversation that it has not read.
  Unread unread(std::string_view conversation_id, std::string_view user_id) const;

  static constexpr std::size_t kMaxMessagesPerConversation = 10'000;

 private:
  struct Entry {
    WinkrConversation conversation;
    std::deque<WinkrMessage> messages;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> conversations_;
  std::vector<std::string> order_;  // conversation ids in creation order
};

}  // namespace demo
