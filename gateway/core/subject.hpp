#pragma once
// The NATS subject contract (docs/nats.md, contracts/nats/asyncapi.json).
// Every token that came from a client passes is_valid_id() before it is placed
// in a subject, so no client can inject `.`, `*`, `>` or whitespace.
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/room.hpp"

namespace gangway {

// Longest id accepted from a client or a path (UUIDs are 36).
inline constexpr std::size_t kMaxIdLength = 128;

// True for 1..kMaxIdLength characters of [A-Za-z0-9_-].
bool is_valid_id(std::string_view id);

// True for a subject token made of [a-z0-9_-] (app names, kinds); config-time check.
bool is_valid_name(std::string_view name);

class Subjects {
 public:
  explicit Subjects(std::string prefix = "gw") : prefix_(std::move(prefix)) {}

  // <prefix>.in.<app>.<kind>.<room-kind>.<room-id>  (client traffic to other systems)
  std::string inbound(std::string_view app, std::string_view kind, const RoomKey& room) const;
  // <prefix>.in.<app>.connect | .disconnect
  std::string lifecycle(std::string_view app, std::string_view what) const;
  // <prefix>.ctl.<app>.disconnect.<kind>.<id>: closes every socket of user
  // <id> (kind "user") or the socket <id> (kind "conn"), on every gateway.
  std::string disconnect(std::string_view app, std::string_view kind, std::string_view id) const;
  // <prefix>.out.<app>.<room-kind>.<room-id>, or <prefix>.out.<app>.all
  std::string outbound(std::string_view app, const RoomKey& room) const;
  // Parses an outbound subject back into app and room; nullopt if it is not one.
  struct Outbound {
    std::string app;
    RoomKey room;
  };
  std::optional<Outbound> parse_outbound(std::string_view subject) const;

  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
};

}  // namespace gangway
