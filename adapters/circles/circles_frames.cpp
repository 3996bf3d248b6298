#include "adapters/circles/circles_frames.hpp"

#include <array>

#include "adapters/common/numeric_id.hpp"
#include "adapters/common/render.hpp"
#include "gateway/core/clock.hpp"

namespace gangway::adapters::circles {

namespace {

const KeyOrders& person_order() {
  static const KeyOrders order{{"id"}, {"name"}, {"avatar_url"}};
  return order;
}

const KeyOrders& message_order() {
  static const KeyOrders order{{"id"},   {"thread_id"},  {"sender_id"},
                               {"text"}, {"created_at"}, {"sender_info", person_order()}};
  return order;
}

// The seed's order for each flat frame; unlisted fields follow, sorted.
// dm_* lead with thread_id, message_id (dm_reply: reply_to_id), dm_request
// with thread_id, from_user; presence/typing/read_receipt with user_id.
const KeyOrders& flat_order(std::string_view event) {
  static const KeyOrders common{{"thread_id"}, {"place_id"}, {"message_id"}, {"reply_to_id"},
                                {"user_id"},   {"from_user"}, {"text"},      {"typing"},
                                {"online"},    {"last_read_at"}};
  // In a thread (message_id, user_id, reaction) and on the user socket
  // (message_id, emoji, from_user): the thread a notice names comes after.
  static const KeyOrders reaction{{"message_id"}, {"user_id"}, {"reaction"}, {"emoji"}, {"from_user"}};
  return event == "reaction" ? reaction : common;
}

// The seed shows a timestamp on these frames; others carry one only if the
// publisher put it in the data.
bool stamped(std::string_view event) {
  static constexpr std::array<std::string_view, 4> names{"message", "typing", "presence", "read_receipt"};
  for (std::string_view n : names)
    if (n == event) return true;
  return false;
}

std::string nested_message(const Event& e) {
  // Every message's frame: written straight, as render() would write the OrderedJson.
  std::string out = R"({"type":"message","message":)";
  append_ordered(out, e.data, message_order());
  out += R"(,"timestamp":)";
  append_string(out, iso8601_now());
  out += '}';
  return out;
}

std::string flat(const Event& e) {
  OrderedJson out;
  out["type"] = e.name;
  if (!e.data.is_object()) {
    if (!e.data.is_null()) out["data"] = OrderedJson(e.data);
  } else {
    Json fields = e.data;
    fields.erase("type");  // the event name is the type; a payload cannot rename it
    Json timestamp = fields.contains("timestamp") ? fields["timestamp"] : Json();
    fields.erase("timestamp");
    OrderedJson body = ordered(fields, flat_order(e.name));
    for (const auto& [key, value] : body.items()) out[key] = value;
    if (!timestamp.is_null()) out["timestamp"] = OrderedJson(timestamp);
  }
  if (stamped(e.name) && !out.contains("timestamp")) out["timestamp"] = iso8601_now();
  return render(out);
}

}  // namespace

std::string connection_established(const Socket& socket, const SessionInfo& s, int window_hours) {
  OrderedJson out;
  out["type"] = "connection_established";
  if (socket.kind == Socket::Kind::dm) out["thread_id"] = OrderedJson(id_json(socket.id));
  if (socket.kind == Socket::Kind::place) out["place_id"] = OrderedJson(id_json(socket.id));
  out["user_id"] = OrderedJson(id_json(s.user.id));
  if (socket.kind == Socket::Kind::place) {
    out["window_hours"] = window_hours;
  } else {
    out["timestamp"] = iso8601_now();
  }
  return render(out);
}

std::string pong() {
  OrderedJson out;
  out["type"] = "pong";
  out["timestamp"] = iso8601_now();
  return render(out);
}

std::string thread_info(const SessionInfo& s, const Json& online_answer) {
  OrderedJson participants = OrderedJson::array();
  if (auto access = s.context.find(kDmAccessCallout); access != s.context.end() && access->is_object()) {
    if (auto list = access->find("participants"); list != access->end() && list->is_array()) {
      for (const Json& p : *list)
        if (p.is_object()) participants.push_back(ordered(p, person_order()));
    }
  }
  bool other_online = false;
  if (auto users = online_answer.find("users"); users != online_answer.end() && users->is_array()) {
    for (const Json& u : *users) {
      std::string id = id_string(u);
      other_online |= !id.empty() && id != s.user.id;
    }
  }
  OrderedJson out;
  out["type"] = "thread_info";
  out["participants"] = std::move(participants);
  out["other_user_online"] = other_online;
  out["timestamp"] = iso8601_now();
  return render(out);
}

std::optional<std::string> event_frame(const Event& e, const RoomKey& room) {
  if (e.frame) return render(*e.frame);
  if (e.name.empty()) return std::nullopt;
  if (e.name == "message" && room.kind == kDmRoom && e.data.is_object()) return nested_message(e);
  return flat(e);
}

std::string error_frame(const DialectError& e) {
  OrderedJson out;
  out["type"] = "error";
  out["code"] = std::string(public_code(e.code));
  out["message"] = e.detail.empty() ? std::string(public_code(e.code)) : e.detail;
  return render(out);
}

}  // namespace gangway::adapters::circles
