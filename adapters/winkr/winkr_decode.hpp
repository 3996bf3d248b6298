#pragma once
// Seed 004's client events, decoded into Actions. Pure; never throws.
#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/core/model.hpp"
#include "gateway/core/result.hpp"

namespace gangway::adapters::winkr {

// The seed's "Max Size" of a text message, in characters (Unicode code points).
inline constexpr std::size_t kMaxTextChars = 2000;

// The seed's message types table; any other type is INVALID_MESSAGE_TYPE.
inline constexpr std::string_view kMessageTypes[] = {"text",     "photo",  "photo_ephemeral",
                                                     "location", "system", "gift"};

// `frame` as an Action; `now` stamps the replies and the data the client did not time.
Result<Action, DialectError> decode_frame(std::string_view frame, const SessionInfo& s,
                                          const std::string& now);

// user:offline for one conversation room the closed socket was in.
Action offline_action(const SessionInfo& s, const RoomKey& room, const std::string& now);

// Code points in valid UTF-8 (the JSON parser has checked it).
std::size_t code_points(std::string_view utf8);

}  // namespace gangway::adapters::winkr
