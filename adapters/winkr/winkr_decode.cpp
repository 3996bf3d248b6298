#include "adapters/winkr/winkr_decode.hpp"

#include <array>

#include "adapters/common/json_fields.hpp"
#include "adapters/winkr/winkr_frames.hpp"

namespace gangway::adapters::winkr {

namespace {

using Decoded = Result<Action, DialectError>;

// One client frame: its "data" object read through `data`.
struct Request {
  const Fields& data;
  const SessionInfo& s;
  const std::string& now;
};

Action make_action(Action::Type type, const Request& r) {
  Action a;
  a.type = type;
  a.request_event = r.data.request_event();
  return a;
}

RoomKey conversation_room(std::string id) { return RoomKey{std::string(kConversation), std::move(id)}; }

// Everything done in a conversation: the backend must allow it, and the socket
// must have joined, so that the response event fanned out to the room reaches it.
Action conversation_publish(const Request& r, const std::string& conversation_id, std::string kind) {
  Action a = make_action(Action::Type::publish, r);
  a.kind = std::move(kind);
  a.room = conversation_room(conversation_id);
  a.authorize = CalloutCall{std::string(kAccessCallout), {{"conversation_id", conversation_id}}};
  a.require_joined = true;
  return a;
}

// "type" defaults to "text"; the table decides the rest.
FieldResult<std::string> message_type(const Fields& f) {
  auto type = f.optional_string("type");
  if (!type) return Failure{type.error()};
  if (!*type) return std::string("text");
  for (std::string_view known : kMessageTypes)
    if (**type == known) return std::move(**type);
  return Failure{f.error(ErrorCode::unknown_type, "unsupported message type '" + clip(**type) + "'", "type")};
}

// "metadata" is optional (null counts as absent) and must be an object.
FieldResult<Json> metadata(const Json& data, const Fields& f) {
  auto it = data.find("metadata");
  if (it == data.end() || it->is_null()) return Json::object();
  if (!it->is_object())
    return Failure{f.error(ErrorCode::invalid_field, "metadata must be an object", "metadata")};
  return *it;
}

FieldResult<std::string> content(const Fields& f, const std::string& type) {
  auto text = f.string("content");
  if (!text || type != "text") return text;
  if (text->empty())
    return Failure{f.error(ErrorCode::invalid_field, "Message content cannot be empty", "content")};
  if (code_points(*text) > kMaxTextChars) {
    return Failure{f.error(ErrorCode::too_large,
                           "Message content exceeds " + std::to_string(kMaxTextChars) + " characters",
                           "content")};
  }
  return text;
}

Decoded decode_send(const Json& data, const Request& r) {
  auto id = r.data.id("conversation_id");
  if (!id) return Failure{id.error()};
  auto type = message_type(r.data);
  if (!type) return Failure{type.error()};
  auto text = content(r.data, *type);
  if (!text) return Failure{text.error()};
  auto meta = metadata(data, r.data);
  if (!meta) return Failure{meta.error()};

  Action a = conversation_publish(r, *id, "message");
  a.persist = true;
  a.data = Json{{"conversation_id", *id}, {"content", *text}, {"type", *type}, {"metadata", *meta}};
  // Replaced by the stored message (with its id and times) before fan-out.
  Json pending{{"message",
                {{"conversation_id", *id},
                 {"sender_id", r.s.user.id},
                 {"content", *text},
                 {"type", *type},
                 {"is_read", false},
                 {"metadata", *meta}}},
               {"sender", {{"id", r.s.user.id}, {"username", username_of(r.s)}}}};
  a.fanout = Event{"message:new", std::move(pending), {}, std::nullopt};
  return a;
}

// message:read and message:delete: a message in a conversation, stored, then
// announced to the whole conversation (the client's own response included).
Decoded decode_message_change(const Request& r, std::string kind, std::string event, Json extra) {
  auto id = r.data.id("conversation_id");
  if (!id) return Failure{id.error()};
  auto message_id = r.data.id("message_id");
  if (!message_id) return Failure{message_id.error()};
  Action a = conversation_publish(r, *id, std::move(kind));
  a.persist = true;
  a.data = Json{{"conversation_id", *id}, {"message_id", *message_id}};
  Json pending{{"message_id", *message_id}, {"conversation_id", *id}};
  pending.update(extra);
  a.fanout = Event{std::move(event), std::move(pending), {}, std::nullopt};
  return a;
}

Decoded decode_read(const Json&, const Request& r) {
  return decode_message_change(r, "read", "message:viewed", Json{{"viewed_at", r.now}});
}

Decoded decode_delete(const Json&, const Request& r) {
  return decode_message_change(r, "delete", "message:deleted",
                               Json{{"deleted_by", r.s.user.id}, {"deleted_at", r.now}});
}

Decoded decode_typing(const Request& r, bool is_typing) {
  auto id = r.data.id("conversation_id");
  if (!id) return Failure{id.error()};
  Action a = conversation_publish(r, *id, "typing");
  a.data = Json{{"conversation_id", *id},
                {"user_id", r.s.user.id},
                {"username", username_of(r.s)},
                {"is_typing", is_typing},
                {"timestamp", r.now}};
  // "Typing indicator broadcast to other user": never back to the typist.
  a.fanout = Event{"typing:indicator", a.data, Exclude{r.s.user.id, {}}, std::nullopt};
  return a;
}

Decoded decode_typing_start(const Json&, const Request& r) { return decode_typing(r, true); }
Decoded decode_typing_stop(const Json&, const Request& r) { return decode_typing(r, false); }

Decoded decode_join(const Json&, const Request& r) {
  auto id = r.data.id("conversation_id");
  if (!id) return Failure{id.error()};
  Action a = make_action(Action::Type::subscribe, r);
  a.room = conversation_room(*id);
  a.authorize = CalloutCall{std::string(kAccessCallout), {{"conversation_id", *id}}};
  a.reply = envelope("conversation:joined", Json{{"conversation_id", *id}, {"joined_at", r.now}}, r.now);
  // The other participant learns the user is here, once per user (not per socket).
  a.kind = "presence";
  a.presence = Action::Presence::online;
  a.data = Json{{"conversation_id", *id}, {"user_id", r.s.user.id}, {"status", "online"}};
  Json online{{"user_id", r.s.user.id}, {"username", username_of(r.s)}, {"online_at", r.now}};
  a.fanout = Event{"user:online", std::move(online), Exclude{r.s.user.id, {}}, std::nullopt};
  return a;
}

Decoded decode_leave(const Json&, const Request& r) {
  auto id = r.data.id("conversation_id");
  if (!id) return Failure{id.error()};
  Action a = make_action(Action::Type::unsubscribe, r);
  a.room = conversation_room(*id);
  a.reply = envelope("conversation:left", Json{{"conversation_id", *id}, {"left_at", r.now}}, r.now);
  return a;
}

Decoded decode_status(const Json&, const Request& r) {
  auto status = r.data.one_of("status", {"online", "away", "offline"});
  if (!status) return Failure{status.error()};
  Action a = make_action(Action::Type::publish, r);
  a.kind = "presence";
  a.room = RoomKey{"user", r.s.user.id};
  a.data = Json{{"user_id", r.s.user.id}, {"status", *status}};
  a.reply = envelope("user:status_updated",
                     Json{{"user_id", r.s.user.id}, {"status", *status}, {"updated_at", r.now}}, r.now);
  return a;
}

struct Handler {
  std::string_view event;
  Decoded (*decode)(const Json& data, const Request&);
};

constexpr std::array kHandlers{
    Handler{"message:send", decode_send},        Handler{"message:read", decode_read},
    Handler{"message:delete", decode_delete},    Handler{"typing:start", decode_typing_start},
    Handler{"typing:stop", decode_typing_stop},  Handler{"conversation:join", decode_join},
    Handler{"conversation:leave", decode_leave}, Handler{"user:status", decode_status},
};

}  // namespace

Result<Action, DialectError> decode_frame(std::string_view frame, const SessionInfo& s,
                                          const std::string& now) {
  auto envelope = parse_envelope(frame, "event");
  if (!envelope) return Failure{envelope.error()};
  for (const Handler& h : kHandlers) {
    if (envelope->type != h.event) continue;
    auto data = Fields(envelope->body, h.event).object("data");
    if (!data) return Failure{data.error()};
    Fields fields(**data, h.event);
    return h.decode(**data, Request{fields, s, now});
  }
  return Failure{unknown_type("event", envelope->type)};
}

Action offline_action(const SessionInfo& s, const RoomKey& room, const std::string& now) {
  Action a;
  a.type = Action::Type::publish;
  a.kind = "presence";
  a.room = room;
  a.presence = Action::Presence::offline;
  a.data = Json{{"conversation_id", room.id}, {"user_id", s.user.id}, {"status", "offline"}};
  Json offline{{"user_id", s.user.id}, {"username", username_of(s)}, {"offline_at", now}};
  a.fanout = Event{"user:offline", std::move(offline), Exclude{s.user.id, {}}, std::nullopt};
  return a;
}

std::size_t code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace gangway::adapters::winkr
