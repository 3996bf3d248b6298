#pragma once
// Seed 000's client frames -> Actions. Which types a socket accepts depends on
// its kind: ping everywhere; typing and message on DM and place sockets;
// mark_read and reaction on DM sockets only. Pure; never throws.
#include <string_view>

#include "adapters/circles/circles_socket.hpp"
#include "gateway/core/result.hpp"

namespace gangway::adapters::circles {

// The longest message text and reaction accepted (bytes); longer is too_large.
inline constexpr std::size_t kMaxTextBytes = 4000;
inline constexpr std::size_t kMaxReactionBytes = 64;

Result<Action, DialectError> decode_frame(std::string_view frame, const SessionInfo& s);

// The presence announcement for a DM room: online on open, offline on close.
// The core publishes it only on the user's first / after their last socket there.
Action presence_action(const SessionInfo& s, const RoomKey& dm_room, bool online);

}  // namespace gangway::adapters::circles
