#pragma once
// A room is the unit of fan-out: one NATS subject `<prefix>.out.<app>.<kind>.<id>`.
#include <string>
#include <string_view>

namespace gangway {

struct RoomKey {
  std::string kind;  // "conversation", "dm", "place", "channel", "group", "user", "conn", "all"
  std::string id;    // validated by is_valid_id(); empty only for kind "all"

  bool operator==(const RoomKey&) const = default;
  auto operator<=>(const RoomKey&) const = default;
};

}  // namespace gangway
