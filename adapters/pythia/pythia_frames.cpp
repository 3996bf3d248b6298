#include "adapters/pythia/pythia_frames.hpp"

#include <array>

#include "adapters/common/json_fields.hpp"
#include "adapters/common/render.hpp"
#include "gateway/core/clock.hpp"

namespace gangway::adapters::pythia {

namespace {

constexpr std::string_view kChannel = "channel";

// ---- errors ----------------------------------------------------------------

struct RequestError {
  std::string_view request;  // the client's "type"
  std::string_view code;     // the seed's catch-all error for it
};

constexpr std::array kRequestErrors{
    RequestError{"join_channel", "join_channel_error"},
    RequestError{"leave_channel", "leave_channel_error"},
    RequestError{"typing_indicator", "typing_indicator_error"},
    RequestError{"get_online_users", "get_online_users_error"},
};

// The seed's "Error joining channel"-style code for the request, or
// internal_error where the request has none (ping, the open/close actions).
std::string_view request_error(std::string_view request) {
  for (const RequestError& r : kRequestErrors) {
    if (r.request == request) return r.code;
  }
  return "internal_error";
}

struct ErrorText {
  std::string_view code;
  std::string_view message;
};

constexpr std::array kMessages{
    ErrorText{"invalid_json", "Invalid JSON format"},
    ErrorText{"unknown_message_type", "Unknown message type"},
    ErrorText{"access_denied", "Access denied to channel"},
    ErrorText{"missing_channel_id", "channel_id is required"},
    ErrorText{"join_channel_error", "Failed to join channel"},
    ErrorText{"leave_channel_error", "Failed to leave channel"},
    ErrorText{"typing_indicator_error", "Failed to process typing indicator"},
    ErrorText{"get_online_users_error", "Failed to get online users"},
    ErrorText{"internal_error", "Internal server error"},
};

std::string_view message_for(std::string_view code) {
  for (const ErrorText& t : kMessages) {
    if (t.code == code) return t.message;
  }
  return "Internal server error";
}

// The core's details are dialect-neutral ("subscribe to channel x first");
// these two read as the seed does.
std::string details_for(const DialectError& e, std::string_view code) {
  if (e.code == ErrorCode::forbidden) return "User is not a member of this private channel";
  if (e.code == ErrorCode::not_joined) return "Join the channel first";
  if (!e.detail.empty()) return clip(e.detail, 256);
  return std::string(message_for(code));
}

// ---- events ----------------------------------------------------------------

const KeyOrders kMessageOrder{
    {"id"},
    {"content"},
    {"channelId"},
    {"userId"},
    {"createdAt"},
    {"updatedAt"},
    {"user", {{"id"}, {"username"}, {"email"}}},
};
const KeyOrders kReactionOrder{{"emoji"}, {"user_id"}, {"username"}, {"action"}};
const KeyOrders kMentionOrder{
    {"message_id"}, {"channel_id"}, {"content"}, {"from_user_id"}, {"from_username"}};

// The frames whose payload the seed spreads over the top level.
struct FlatFrame {
  std::string_view event;
  std::vector<std::string_view> keys;
};

const std::array<FlatFrame, 4> kFlatFrames{
    FlatFrame{"typing_indicator", {"user_id", "channel_id", "is_typing"}},
    FlatFrame{"user_status", {"user_id", "status"}},
    FlatFrame{"user_joined", {"user_id", "channel_id"}},
    FlatFrame{"user_left", {"user_id", "channel_id"}},
};

// Only the seed's keys are copied, so a backend's extra fields cannot change a
// frame's shape; channel_id falls back to the room the event came through.
OrderedJson flat_frame(const FlatFrame& f, const Json& data, const RoomKey& room, std::string_view ts) {
  OrderedJson out;
  out["type"] = f.event;
  for (std::string_view key : f.keys) {
    auto it = data.is_object() ? data.find(key) : data.end();
    if (data.is_object() && it != data.end()) {
      out[std::string(key)] = OrderedJson(*it);
    } else if (key == "channel_id" && room.kind == kChannel) {
      out["channel_id"] = room.id;
    }
  }
  out["timestamp"] = ts;
  return out;
}

std::string nested_frame(std::string_view type, const Json& data, const KeyOrders& order,
                         std::string_view ts) {
  // Most events' frame: written straight, as render() would write the OrderedJson.
  std::string out = R"({"type":)";
  append_string(out, type);
  out += R"(,"data":)";
  append_ordered(out, data, order);
  out += R"(,"timestamp":)";
  append_string(out, ts);
  out += '}';
  return out;
}

// message_reaction carries the message id beside "data", not inside it.
OrderedJson reaction_frame(const Json& data, std::string_view ts) {
  OrderedJson out;
  out["type"] = "message_reaction";
  Json inner = data;
  if (inner.is_object()) {
    if (auto it = inner.find("message_id"); it != inner.end()) {
      out["message_id"] = OrderedJson(*it);
      inner.erase(it);
    }
  }
  out["data"] = ordered(inner, kReactionOrder);
  out["timestamp"] = ts;
  return out;
}

}  // namespace

std::string seed_timestamp() {
  std::string now = iso8601_now();  // "2025-01-01T12:00:00.123Z"
  return now.substr(0, 19) + "Z";
}

std::string channel_reply(std::string_view type, std::string_view channel_id, std::string_view timestamp) {
  OrderedJson out;
  out["type"] = type;
  out["channel_id"] = channel_id;
  out["timestamp"] = timestamp;
  return render(out);
}

std::string pong(std::string_view timestamp) {
  OrderedJson out;
  out["type"] = "pong";
  out["timestamp"] = timestamp;
  return render(out);
}

std::string connection_established(std::string_view user_id, std::string_view username,
                                   std::string_view timestamp) {
  OrderedJson out;
  out["type"] = "connection_established";
  out["user_id"] = user_id;
  out["username"] = username;
  out["timestamp"] = timestamp;
  return render(out);
}

std::string online_users(std::string_view channel_id, const Json& users, std::string_view timestamp) {
  OrderedJson out;
  out["type"] = "online_users";
  out["channel_id"] = channel_id;
  out["users"] = OrderedJson(users);
  out["timestamp"] = timestamp;
  return render(out);
}

std::string event_frame(const Event& e, const RoomKey& room, std::string_view ts) {
  for (const FlatFrame& f : kFlatFrames) {
    if (e.name == f.event) return render(flat_frame(f, e.data, room, ts));
  }
  if (e.name == "new_message") return nested_frame(e.name, e.data, kMessageOrder, ts);
  if (e.name == "mention_notification") return nested_frame(e.name, e.data, kMentionOrder, ts);
  if (e.name == "message_reaction") return render(reaction_frame(e.data, ts));
  return nested_frame(e.name, e.data, {}, ts);
}

std::string_view error_code(const DialectError& e) {
  switch (e.code) {
    case ErrorCode::invalid_json:
    case ErrorCode::binary_frame:
    case ErrorCode::invalid_utf8:
      return "invalid_json";
    case ErrorCode::unknown_type:
      return "unknown_message_type";
    case ErrorCode::missing_field:
    case ErrorCode::invalid_field:
      // No usable "type" is an unknown type, as in the original server (its
      // dispatch falls through); an absent or empty channel_id has its own code.
      if (e.field == "type") return "unknown_message_type";
      if (e.field == "channel_id" && e.code == ErrorCode::missing_field) return "missing_channel_id";
      return request_error(e.request_event);
    case ErrorCode::forbidden:
    case ErrorCode::not_found:
    case ErrorCode::not_joined:
      return "access_denied";
    case ErrorCode::invalid_id:
    case ErrorCode::too_large:
    case ErrorCode::rate_limited:
    case ErrorCode::unavailable:
      return request_error(e.request_event);
    case ErrorCode::store_failed:
    case ErrorCode::store_not_found:
    case ErrorCode::store_invalid:
    case ErrorCode::internal:
      return "internal_error";
  }
  return "internal_error";
}

std::string error_frame(const DialectError& e) {
  std::string_view code = error_code(e);
  OrderedJson out;
  out["type"] = "error";
  out["error_code"] = code;
  out["message"] = message_for(code);
  out["details"] = details_for(e, code);
  return render(out);
}

}  // namespace gangway::adapters::pythia
