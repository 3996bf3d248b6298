#pragma once
// Seed 003's server frames, rendered from the events that reach the social
// app: the gateway's own fan-out of client messages (after the backend stored
// them) and whatever the REST services publish. Pure and thread-safe.
#include <optional>
#include <string>

#include "gateway/core/model.hpp"

namespace gangway::adapters {

// The frame for `e` delivered to `room`, keys in the seed's order:
//   private       {"type","to","content","timestamp"}       to: a number when numeric
//   group         {"type","group_id","content","timestamp"} group_id: always a string
//   broadcast     {"type","content","timestamp"}
//   notification  {"type","subtype","message",<other data keys, sorted>,"timestamp"}
//   {"frame": …}  forwarded as is
// Other data keys (a stored message's id or sender) are left out of the three
// message frames, since the seed shows none. A missing timestamp is now (Unix
// seconds); `to`/`group_id` default to the room's id. nullopt for unknown event
// names and for events lacking content (or a notification's subtype).
std::optional<std::string> render_social_event(const Event& e, const RoomKey& room);

}  // namespace gangway::adapters
