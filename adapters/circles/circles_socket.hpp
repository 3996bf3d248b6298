#pragma once
// Which of seed 000's three sockets a session is, read from its route params,
// and the dialect's fixed names (callouts, rooms, close codes). Pure.
#include <string>
#include <string_view>

#include "gateway/core/model.hpp"
#include "gateway/core/result.hpp"

namespace gangway::adapters::circles {

inline constexpr int kCloseUnauthorized = 4401;
inline constexpr int kCloseForbidden = 4403;

// The backend callouts named in the app's config.
inline constexpr std::string_view kDmAccessCallout = "dm_access";          // participant + thread accepted
inline constexpr std::string_view kPlaceCheckinCallout = "place_checkin";  // check-in within window_hours

inline constexpr std::string_view kDmRoom = "dm";
inline constexpr std::string_view kPlaceRoom = "place";
inline constexpr std::string_view kUserRoom = "user";

// The seed's APP_PLACE_CHAT_WINDOW_HOURS default.
inline constexpr int kDefaultWindowHours = 12;

// The app's "options" for circles, read once at config load.
struct Options {
  int window_hours = kDefaultWindowHours;  // "window_hours": 1 to a year's hours
};
// A bad or unknown option is an error naming it (--check-config).
Result<Options, std::string> parse_options(const Json& options);

struct Socket {
  enum class Kind { dm, user, place, unknown };
  Kind kind = Kind::unknown;
  std::string id;  // thread_id, user_id or place_id from the path (already is_valid_id)
};

// /ws/dms/{thread_id} -> dm, /ws/places/{place_id}/chat -> place,
// /ws/user/{user_id} -> user; any other route (a config mistake) -> unknown.
Socket socket_of(const SessionInfo& s);

// The room a socket lives in: dm/<thread_id>, place/<place_id>, user/<user_id>.
RoomKey room_of(const Socket& socket);

}  // namespace gangway::adapters::circles
