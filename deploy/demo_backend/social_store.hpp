#pragma once
// Seed 003 ("social") data, in memory: users with integer ids, cookie
// sessions, groups with accepted and pending members, private and group
// messages, notifications. Thread-safe: one mutex guards everything and every
// accessor returns copies.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace demo {

struct SocialUser {
  std::int64_t id = 0;
  std::string username;
  std::string password;  // plain text: published demo credentials
  bool is_admin = false;
};

struct SocialGroup {
  std::int64_t id = 0;
  std::string name;
  std::map<std::int64_t, bool> members;  // user id -> is_accepted
};

// One stored private or group message; `group_id` is empty for private ones
// and `to` is 0 for group ones.
struct SocialMessage {
  std::int64_t id = 0;
  std::string type;  // "private" | "group"
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::string group_id;
  std::string content;
  std::int64_t timestamp = 0;
};

struct SocialNotification {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string type;  // the seed's subtype: group_invite, friend_request, ...
  std::string message;
  bool is_read = false;
  std::string created_at;
};

class SocialStore {
 public:
  // Users 1 admin (the administrator), 2 alice, 3 bob, 4 carol, password
  // "password". Groups 1 "Developers" (alice, bob accepted) and 2 "Designers"
  // (alice, carol accepted; bob invited, pending).
  SocialStore();

  std::optional<SocialUser> user(std::int64_t id) const;
  // The user if the password matches (compared in constant time).
  std::optional<SocialUser> check_password(std::string_view username, std::string_view password) const;

  // A new random session token for the user; the oldest sessions go beyond kMaxSessions.
  std::string create_session(std::int64_t user_id);
  std::optional<SocialUser> session_user(std::string_view token) const;
  void end_session(std::string_view token);

  enum class Membership { accepted, pending, none, no_group };
  Membership membership(std::int64_t group_id, std::int64_t user_id) const;
  std::optional<SocialGroup> group(std::int64_t id) const;
  // Ids of the groups the user has accepted, ascending.
  std::vector<std::int64_t> accepted_groups(std::int64_t user_id) const;
  // A pending membership (is_accepted false), unless the user already is a member.
  Membership invite(std::int64_t group_id, std::int64_t user_id);

  // Stores `m` under a fresh id and returns it. Idempotent per `request_id`
  // (the gateway's envelope id): a retried store returns the first result.
  // Beyond kMaxMessages the oldest go, so a long demo cannot exhaust memory.
  SocialMessage add_message(const std::string& request_id, SocialMessage m);
  // Newest first, after skipping `offset`.
  std::vector<SocialMessage> private_messages(std::int64_t a, std::int64_t b, std::size_t limit,
                                              std::size_t offset) const;
  std::vector<SocialMessage> group_messages(std::string_view group_id, std::size_t limit,
                                            std::size_t offset) const;

  SocialNotification add_notification(std::int64_t user_id, std::string type, std::string message,
                                      std::string created_at);
  // Newest first, after skipping `offset`.
  std::vector<SocialNotification> notifications(std::int64_t user_id, std::size_t limit,
                                                std::size_t offset) const;
  void mark_read(std::int64_t user_id);

  static constexpr std::size_t kMaxMessages = 100'000;
  static constexpr std::size_t kMaxSessions = 10'000;
  static constexpr std::size_t kMaxNotifications = 100'000;

 private:
  mutable std::mutex mutex_;
  std::vector<SocialUser> users_;
  std::map<std::string, std::int64_t, std::less<>> sessions_;
  std::deque<std::string> session_order_;
  std::map<std::int64_t, SocialGroup> groups_;
  std::deque<SocialMessage> messages_;  // oldest first
  std::map<std::string, SocialMessage> by_request_;
  std::deque<std::string> request_order_;         // by_request_'s keys, oldest first
  std::deque<SocialNotification> notifications_;  // oldest first
  std::int64_t next_message_id_ = 1;
  std::int64_t next_notification_id_ = 1;
};

}  // namespace demo
