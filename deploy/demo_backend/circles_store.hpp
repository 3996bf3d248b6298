#pragma once
// Seed 000 ("circles") data, in memory: users with integer ids, DM threads
// (pending until the recipient accepts), their messages, read states,
// reactions and place check-ins. Thread-safe: one mutex guards everything;
// every accessor returns copies.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/clock.hpp"

namespace demo {

struct CirclesUser {
  std::int64_t id;
  std::string username;
  std::string name;
  std::optional<std::string> avatar_url;
  std::string password;  // plain text: published demo credentials
};

struct CirclesThread {
  std::int64_t id;
  std::vector<std::int64_t> participants;  // exactly two: requester first
  std::string status;                      // "pending" or "accepted"
  std::string created_at;
};

struct CirclesMessage {
  std::int64_t id;
  std::int64_t thread_id;
  std::int64_t sender_id;
  std::string text;
  std::string created_at;
  std::optional<std::int64_t> reply_to_id;
  std::optional<std::string> media_url;
};

struct CirclesCheckIn {
  std::int64_t place_id;
  std::int64_t user_id;
  std::int64_t at;  // unix seconds
};

class CirclesStore {
 public:
  // Users 8 maya, 6 noah, 7 lena, 9 omar (password "password"); thread 2
  // (8, 6) accepted, 3 (7 -> 8) pending, 4 (6, 7) accepted; check-ins at
  // place 1 by 8 (1 h ago), 6 (2 h ago) and 7 (20 h ago), at place 2 by 8 (30 h ago).
  explicit CirclesStore(std::int64_t now = gangway::unix_now());

  std::optional<CirclesUser> user(std::int64_t id) const;
  std::optional<CirclesUser> check_password(std::string_view username, std::string_view password) const;

  std::optional<CirclesThread> thread(std::int64_t id) const;
  std::vector<CirclesThread> threads_of(std::int64_t user_id) const;
  // A new pending thread from -> to, or the existing thread between them.
  CirclesThread request_thread(std::int64_t from, std::int64_t to, std::string created_at);
  // Marks a pending thread accepted; false if there is none.
  bool accept(std::int64_t thread_id);

  // Appends to an existing thread (nullopt if there is none); assigns the id.
  // The oldest messages go beyond kMaxMessagesPerThread.
  std::optional<CirclesMessage> add_message(CirclesMessage m);
  void remove_message(std::int64_t thread_id, std::int64_t message_id);
  std::vector<CirclesMessage> messages(std::int64_t thread_id) const;
  bool has_message(std::int64_t thread_id, std::int64_t message_id) const;

  void set_last_read(std::int64_t thread_id, std::int64_t user_id, std::string at);
  void add_reaction(std::int64_t message_id, std::int64_t user_id, std::string emoji);

  void check_in(CirclesCheckIn c);
  // The user's latest check-in at the place, if any.
  std::optional<std::int64_t> last_check_in(std::int64_t place_id, std::int64_t user_id) const;

  static constexpr std::size_t kMaxMessagesPerThread = 10'000;
  static constexpr std::size_t kMaxCheckIns = 100'000;

 private:
  mutable std::mutex mutex_;
  std::vector<CirclesUser> users_;
  std::map<std::int64_t, CirclesThread> threads_;
  std::map<std::int64_t, std::deque<CirclesMessage>> messages_;
  std::map<std::pair<std::int64_t, std::int64_t>, std::string> last_read_;  // (thread, user) -> at
  std::map<std::pair<std::int64_t, std::int64_t>, std::string> reactions_;  // (message, user) -> emoji
  std::deque<CirclesCheckIn> check_ins_;
  std::int64_t next_thread_id_ = 10;
  std::int64_t next_message_id_ = 35;  // the seed's first example id
};

// ISO-8601 UTC with seconds, e.g. "2025-01-05T10:00:00Z".
std::string iso8601_at(std::int64_t unix_seconds);

// A decimal id from a path or a JSON body; nullopt for anything else.
std::optional<std::int64_t> parse_int_id(std::string_view s);

}  // namespace demo
