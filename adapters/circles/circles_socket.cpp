#include "adapters/circles/circles_socket.hpp"

#include <cstdint>

#include "adapters/common/options.hpp"

namespace gangway::adapters::circles {

namespace {

const std::string* param(const SessionInfo& s, std::string_view name) {
  auto it = s.params.find(name);
  return it == s.params.end() ? nullptr : &it->second;
}

// A year: anything longer is a misconfiguration, not a window.
constexpr std::int64_t kMaxWindowHours = 24 * 365;

}  // namespace

Socket socket_of(const SessionInfo& s) {
  // thread_id and place_id first: user_id is the one name a core might also
  // use for the authenticated user.
  if (const auto* id = param(s, "thread_id")) return {Socket::Kind::dm, *id};
  if (const auto* id = param(s, "place_id")) return {Socket::Kind::place, *id};
  if (const auto* id = param(s, "user_id")) return {Socket::Kind::user, *id};
  return {};
}

RoomKey room_of(const Socket& socket) {
  switch (socket.kind) {
    case Socket::Kind::dm: return {std::string(kDmRoom), socket.id};
    case Socket::Kind::place: return {std::string(kPlaceRoom), socket.id};
    case Socket::Kind::user: return {std::string(kUserRoom), socket.id};
    case Socket::Kind::unknown: break;
  }
  return {};
}

Result<Options, std::string> parse_options(const Json& options) {
  OptionReader read(options, "circles");
  Options o;
  o.window_hours = static_cast<int>(read.integer("window_hours", kDefaultWindowHours, 1, kMaxWindowHours));
  if (auto problem = read.problem()) return Failure{*problem};
  return o;
}

}  // namespace gangway::adapters::circles
