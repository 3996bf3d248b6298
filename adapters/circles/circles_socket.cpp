#include "adapters/circles/circles_socket.hpp"

#include <cstdint>

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

int window_hours(const SessionInfo& s) {
  // value() would throw on a wrong type; a bad setting falls back to the default.
  if (!s.options || !s.options->is_object()) return kDefaultWindowHours;
  auto it = s.options->find("window_hours");
  if (it == s.options->end() || !it->is_number_integer()) return kDefaultWindowHours;
  std::int64_t hours = it->get<std::int64_t>();
  if (hours <= 0 || hours > kMaxWindowHours) return kDefaultWindowHours;
  return static_cast<int>(hours);
}

}  // namespace gangway::adapters::circles
