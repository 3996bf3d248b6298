#pragma once
// Seed 000's server frames, byte for byte: {"type": …} with the seed's key
// order. Pure and thread-safe; timestamps are ISO-8601 UTC from now().
#include <optional>
#include <string>
#include <string_view>

#include "adapters/circles/circles_socket.hpp"
#include "gateway/core/model.hpp"

namespace gangway::adapters::circles {

// {"type":"connection_established", …} — thread_id+user_id+timestamp on a DM
// socket, user_id+timestamp on the user socket, place_id+user_id+window_hours
// (and no timestamp, as the seed shows) on a place socket.
std::string connection_established(const Socket& socket, const SessionInfo& s, int window_hours);

// {"type":"pong","timestamp":…}
std::string pong();

// {"type":"thread_info","participants":[…],"other_user_online":…,"timestamp":…}:
// participants from the dm_access callout's body (s.context), online from an
// online_users answer {"users": [ids]} — true if anyone but s.user is there.
std::string thread_info(const SessionInfo& s, const Json& online_answer);

// An event published for `room`, or nullopt if it has no name. "message" in a
// DM room nests the stored message; every other event is flat: {"type": name}
// followed by the data's fields in the seed's order.
std::optional<std::string> event_frame(const Event& e, const RoomKey& room);

// {"type":"error","code":…,"message":…} — the seed has no error frame; this is
// the shape chosen for circles (see circles_adapter.hpp).
std::string error_frame(const DialectError& e);

}  // namespace gangway::adapters::circles
