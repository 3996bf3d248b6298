#include "adapters/circles/circles_decode.hpp"

#include <array>

#include "adapters/circles/circles_frames.hpp"
#include "adapters/common/json_fields.hpp"
#include "adapters/common/numeric_id.hpp"

namespace gangway::adapters::circles {

namespace {

using Decoded = Result<Action, DialectError>;
using Kind = Socket::Kind;

Action publish(const Fields& f, std::string kind, RoomKey room) {
  Action a;
  a.type = Action::Type::publish;
  a.request_event = f.request_event();
  a.kind = std::move(kind);
  a.room = std::move(room);
  // The socket joined its room on open; this keeps a frame from reaching any other.
  a.require_joined = true;
  return a;
}

// Non-empty (not just whitespace) and at most `max` bytes.
FieldResult<std::string> bounded_text(const Fields& f, std::string_view key, std::size_t max) {
  auto text = f.string(key);
  if (!text) return text;
  if (text->find_first_not_of(" \t\r\n") == std::string::npos)
    return Failure{f.error(ErrorCode::invalid_field, std::string(key) + " must not be empty", key)};
  if (text->size() > max)
    return Failure{f.error(ErrorCode::too_large,
                           std::string(key) + " is longer than " + std::to_string(max) + " bytes", key)};
  return text;
}

Decoded decode_ping(const Fields& f, const SessionInfo&, const Socket&) {
  Action a;
  a.type = Action::Type::reply;
  a.request_event = f.request_event();
  a.reply = pong();
  return a;
}

Decoded decode_typing(const Fields& f, const SessionInfo& s, const Socket& socket) {
  auto typing = f.boolean("typing");
  if (!typing) return Failure{typing.error()};
  Action a = publish(f, "typing", room_of(socket));
  a.data = Json{{"user_id", id_json(s.user.id)}, {"typing", *typing}};
  // "Broadcasts typing state to the other participant": never back to the typist.
  a.fanout = Event{"typing", a.data, Exclude{s.user.id, {}}, std::nullopt};
  return a;
}

Decoded decode_message(const Fields& f, const SessionInfo& s, const Socket& socket) {
  auto text = bounded_text(f, "text", kMaxTextBytes);
  if (!text) return Failure{text.error()};
  Action a = publish(f, "message", room_of(socket));
  if (socket.kind == Kind::dm) {
    // The backend stores it and answers the seed's message object (id,
    // created_at, sender_info), which replaces this data before fan-out.
    a.data = Json{{"thread_id", id_json(socket.id)}, {"sender_id", id_json(s.user.id)}, {"text", *text}};
    a.persist = true;
  } else {
    // Place chat is ephemeral: echoed as is to every attendee, sender included.
    a.data = Json{{"place_id", id_json(socket.id)}, {"user_id", id_json(s.user.id)}, {"text", *text}};
  }
  a.fanout = Event{"message", a.data, {}, std::nullopt};
  return a;
}

Decoded decode_mark_read(const Fields& f, const SessionInfo& s, const Socket& socket) {
  Action a = publish(f, "read", room_of(socket));
  // Stored by the backend (last_read_at), whose answer {user_id, last_read_at}
  // becomes the read_receipt both participants see.
  a.data = Json{{"thread_id", id_json(socket.id)}, {"user_id", id_json(s.user.id)}};
  a.persist = true;
  a.fanout = Event{"read_receipt", a.data, {}, std::nullopt};
  return a;
}

Decoded decode_reaction(const Fields& f, const SessionInfo& s, const Socket& socket) {
  auto message_id = f.id("message_id");
  if (!message_id) return Failure{message_id.error()};
  auto reaction = bounded_text(f, "reaction", kMaxReactionBytes);
  if (!reaction) return Failure{reaction.error()};
  // Ephemeral on the WS path (the seed: persistent reactions go through HTTP).
  Action a = publish(f, "reaction", room_of(socket));
  a.data = Json{{"message_id", id_json(*message_id)}, {"user_id", id_json(s.user.id)}, {"reaction", *reaction}};
  a.fanout = Event{"reaction", a.data, {}, std::nullopt};
  return a;
}

struct Handler {
  std::string_view type;
  bool on_dm, on_user, on_place;
  Decoded (*decode)(const Fields&, const SessionInfo&, const Socket&);

  bool accepts(Kind k) const {
    return (k == Kind::dm && on_dm) || (k == Kind::user && on_user) || (k == Kind::place && on_place);
  }
};

constexpr std::array kHandlers{
    Handler{"ping", true, true, true, decode_ping},
    Handler{"typing", true, false, true, decode_typing},
    Handler{"message", true, false, true, decode_message},
    Handler{"mark_read", true, false, false, decode_mark_read},
    Handler{"reaction", true, false, false, decode_reaction},
};

}  // namespace

Result<Action, DialectError> decode_frame(std::string_view frame, const SessionInfo& s) {
  auto envelope = parse_envelope(frame, "type");
  if (!envelope) return Failure{envelope.error()};
  Socket socket = socket_of(s);
  for (const Handler& h : kHandlers) {
    // A type another socket kind accepts is as unknown here as a made-up one.
    if (envelope->type == h.type && h.accepts(socket.kind))
      return h.decode(Fields(envelope->body, h.type), s, socket);
  }
  return Failure{unknown_type("type", envelope->type)};
}

Action presence_action(const SessionInfo& s, const RoomKey& dm_room, bool online) {
  Action a;
  a.type = Action::Type::publish;
  a.request_event = "presence";
  a.kind = "presence";
  a.room = dm_room;
  a.data = Json{{"user_id", id_json(s.user.id)}, {"online", online}};
  // "When the other participant comes and goes": the user's own sockets are not told.
  a.fanout = Event{"presence", a.data, Exclude{s.user.id, {}}, std::nullopt};
  a.presence = online ? Action::Presence::online : Action::Presence::offline;
  return a;
}

}  // namespace gangway::adapters::circles
