#pragma once
// Seed 004's server frames: the envelope, the key order of every event's data,
// the error codes and the close reasons. Pure helpers shared by the decoder
// (which renders replies) and the adapter (which renders events).
#include <string>
#include <string_view>

#include "adapters/common/render.hpp"
#include "gateway/core/model.hpp"

namespace gangway::adapters::winkr {

inline constexpr std::string_view kConversation = "conversation";
inline constexpr std::string_view kAccessCallout = "conversation_access";

// {"event": event, "data": data in the seed's key order, "timestamp": now}.
std::string envelope(std::string_view event, const Json& data, const std::string& now);

// The seed's key order for `event`'s data (empty for events it does not show).
const KeyOrders& data_order(std::string_view event);

// Fills in what a JetStream-stored message:new lacks: the stored id and
// created_at arrive next to "message" rather than inside it.
Json normalize(std::string_view event, Json data);

// The seed's error code for a core error, and the error frame's data:
// {code, message, details {field?, error}?, request_event?}.
std::string_view error_code(const DialectError& e);
Json error_data(const DialectError& e);

// The reasons of the gateway's own endings (WinkrAdapter::close_for), which
// connection:closed names rather than their code's "policy_violation".
inline constexpr std::string_view kTokenExpired = "token_expired";
inline constexpr std::string_view kDisconnected = "disconnected";

// connection:closed's "reason": kTokenExpired or kDisconnected as given, else
// the RFC 6455 name of `code` in snake case (1000 -> "normal_closure"), else
// `reason` in snake case, else "closed".
std::string close_reason(int code, std::string_view reason);

// The name the seed calls "username": the principal's username (the username
// claim, else the display name), else the user id.
std::string username_of(const SessionInfo& s);

}  // namespace gangway::adapters::winkr
