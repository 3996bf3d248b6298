#include "adapters/winkr/winkr_frames.hpp"

#include <array>
#include <cctype>
#include <utility>

namespace gangway::adapters::winkr {

namespace {

struct Order {
  std::string_view event;
  KeyOrders keys;
};

// Straight from the seed's examples.
const std::vector<Order>& orders() {
  static const std::vector<Order> all{
      {"connection:established", {{"user_id"}, {"connection_id"}, {"timestamp"}}},
      {"message:new",
       {{"message",
         {{"id"},
          {"conversation_id"},
          {"sender_id"},
          {"content"},
          {"type"},
          {"created_at"},
          {"updated_at"},
          {"is_read"},
          {"metadata"}}},
        {"sender", {{"id"}, {"username"}, {"avatar_url"}}}}},
      {"message:delivered", {{"message_id"}, {"conversation_id"}, {"delivered_at"}}},
      {"message:viewed", {{"message_id"}, {"conversation_id"}, {"viewed_at"}}},
      {"message:deleted", {{"message_id"}, {"conversation_id"}, {"deleted_by"}, {"deleted_at"}}},
      {"typing:indicator", {{"conversation_id"}, {"user_id"}, {"username"}, {"is_typing"}, {"timestamp"}}},
      {"user:online", {{"user_id"}, {"username"}, {"online_at"}}},
      {"user:offline", {{"user_id"}, {"username"}, {"offline_at"}}},
      {"user:status_updated", {{"user_id"}, {"status"}, {"updated_at"}}},
      {"conversation:unread",
       {{"conversation_id"},
        {"unread_count"},
        {"last_message", {{"id"}, {"content"}, {"type"}, {"sender_id"}, {"created_at"}}}}},
      {"conversation:joined", {{"conversation_id"}, {"joined_at"}}},
      {"conversation:left", {{"conversation_id"}, {"left_at"}}},
      {"error", {{"code"}, {"message"}, {"details", {{"field"}, {"error"}}}, {"request_event"}}},
      {"connection:closed", {{"reason"}, {"code"}, {"timestamp"}}},
  };
  return all;
}

std::string snake_case(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out += static_cast<char>(std::tolower(u));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
    if (out.size() >= 64) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

// The "message" of an error frame: the seed's description of the code, except
// for the content errors its example shows.
std::string_view error_message(const DialectError& e, std::string_view code) {
  if (code == "VALIDATION_ERROR" && e.field == "content") return "Invalid message content";
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> described{{
      {"FORBIDDEN", "Access to resource forbidden"},
      {"NOT_FOUND", "Conversation or message not found"},
      {"RATE_LIMITED", "Too many requests"},
      {"INTERNAL_ERROR", "Internal server error"},
      {"MESSAGE_TOO_LARGE", "Message exceeds size limit"},
      {"INVALID_MESSAGE_TYPE", "Unsupported message type"},
  }};
  for (auto [c, text] : described)
    if (c == code) return text;
  return "Invalid request data";
}

}  // namespace

std::string envelope(std::string_view event, const Json& data, const std::string& now) {
  // Every event's frame: written straight, as render() would write the OrderedJson.
  std::string out = R"({"event":)";
  append_string(out, event);
  out += R"(,"data":)";
  append_ordered(out, data, data_order(event));
  out += R"(,"timestamp":)";
  append_string(out, now);
  out += '}';
  return out;
}

const KeyOrders& data_order(std::string_view event) {
  static const KeyOrders none;
  for (const Order& o : orders())
    if (o.event == event) return o.keys;
  return none;
}

Json normalize(std::string_view event, Json data) {
  if (event != "message:new" || !data.is_object()) return data;
  auto message = data.find("message");
  if (message == data.end() || !message->is_object()) return data;
  for (const char* key : {"id", "created_at"}) {
    auto top = data.find(key);
    if (top == data.end() || message->contains(key)) continue;
    (*message)[key] = *top;
    data.erase(top);
    message = data.find("message");  // erase may move the entries
  }
  if (!message->contains("updated_at") && message->contains("created_at"))
    (*message)["updated_at"] = (*message)["created_at"];
  return data;
}

std::string_view error_code(const DialectError& e) {
  switch (e.code) {
    case ErrorCode::unknown_type:
      // An unknown event is bad request data; an unknown message type has its own code.
      return e.field == "type" ? "INVALID_MESSAGE_TYPE" : "VALIDATION_ERROR";
    case ErrorCode::forbidden:
    case ErrorCode::not_joined:
      return "FORBIDDEN";
    case ErrorCode::not_found:
    case ErrorCode::store_not_found:
      return "NOT_FOUND";
    case ErrorCode::rate_limited:
      return "RATE_LIMITED";
    case ErrorCode::too_large:
      return "MESSAGE_TOO_LARGE";
    case ErrorCode::unavailable:
    case ErrorCode::store_failed:
    case ErrorCode::internal:
      return "INTERNAL_ERROR";
    case ErrorCode::invalid_json:
    case ErrorCode::missing_field:
    case ErrorCode::invalid_field:
    case ErrorCode::invalid_id:
    case ErrorCode::binary_frame:
    case ErrorCode::invalid_utf8:
    case ErrorCode::store_invalid:  // the store refused the data: seed 004's "Invalid request data"
      break;
  }
  return "VALIDATION_ERROR";
}

Json error_data(const DialectError& e) {
  std::string_view code = error_code(e);
  Json data{{"code", code}, {"message", error_message(e, code)}};
  if (!e.detail.empty() || !e.field.empty()) {
    Json details = Json::object();
    if (!e.field.empty()) details["field"] = e.field;
    details["error"] = e.detail.empty() ? std::string(to_string(e.code)) : e.detail;
    data["details"] = std::move(details);
  }
  if (!e.request_event.empty()) data["request_event"] = e.request_event;
  return data;
}

std::string close_reason(int code, std::string_view reason) {
  if (reason == kTokenExpired || reason == kDisconnected) return std::string(reason);
  static constexpr std::array<std::pair<int, std::string_view>, 10> names{{
      {1000, "normal_closure"},
      {1001, "going_away"},
      {1002, "protocol_error"},
      {1003, "unsupported_data"},
      {1007, "invalid_payload"},
      {1008, "policy_violation"},
      {1009, "message_too_big"},
      {1011, "internal_error"},
      {1012, "service_restart"},
      {1013, "try_again_later"},
  }};
  for (auto [c, name] : names)
    if (c == code) return std::string(name);
  std::string out = snake_case(reason);
  return out.empty() ? "closed" : out;
}

std::string username_of(const SessionInfo& s) { return s.user.username.empty() ? s.user.id : s.user.username; }

}  // namespace gangway::adapters::winkr
