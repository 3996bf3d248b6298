#pragma once
// Seed 001 ("pythia") server frames, rendered in the seed's key order.
//
// Every frame but "error" ends with "timestamp"; the caller passes it in so the
// adapter's clock can be fixed in tests. Pure and thread-safe; never throws
// (invalid UTF-8 from a backend becomes U+FFFD).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/model.hpp"

namespace gangway::adapters::pythia {

// Now, UTC, in the seed's format: "2024-01-07T10:30:00Z" (whole seconds).
std::string seed_timestamp();

// {"type": "channel_joined" | "channel_left", "channel_id", "timestamp"}
std::string channel_reply(std::string_view type, std::string_view channel_id, std::string_view timestamp);
// {"type": "pong", "timestamp"}
std::string pong(std::string_view timestamp);
// {"type": "connection_established", "user_id", "username", "timestamp"}
std::string connection_established(std::string_view user_id, std::string_view username,
                                   std::string_view timestamp);
// {"type": "online_users", "channel_id", "users", "timestamp"}; `users` must be an array.
std::string online_users(std::string_view channel_id, const Json& users, std::string_view timestamp);

// A published event as the seed's frame. `room` supplies channel_id where the
// payload lacks one. Events the seed does not list render as
// {"type": <name>, "data": <data>, "timestamp"} so backends can add their own.
std::string event_frame(const Event& e, const RoomKey& room, std::string_view timestamp);

// The seed's error_code for a core error: one of invalid_json,
// unknown_message_type, access_denied, missing_channel_id, join_channel_error,
// leave_channel_error, typing_indicator_error, get_online_users_error,
// internal_error (see the table in pythia_frames.cpp).
std::string_view error_code(const DialectError& e);
// {"type": "error", "error_code", "message", "details"}
std::string error_frame(const DialectError& e);

}  // namespace gangway::adapters::pythia
