#include "adapters/tribe/tribe_adapter.hpp"

#include <array>

#include "adapters/common/json_fields.hpp"
#include "adapters/common/render.hpp"

namespace gangway::adapters {

namespace {

constexpr std::string_view kConversation = "conversation";
constexpr std::string_view kParticipantCallout = "conversation_participant";

using Decoded = Result<Action, DialectError>;

Action make_action(Action::Type type, std::string_view event) {
  Action a;
  a.type = type;
  a.request_event = std::string(event);
  return a;
}

RoomKey conversation_room(std::string id) { return RoomKey{std::string(kConversation), std::move(id)}; }

Decoded decode_ping(const Fields& f, const SessionInfo&) {
  Action a = make_action(Action::Type::reply, f.request_event());
  a.reply = render(OrderedJson{{"event", "pong"}});
  return a;
}

Decoded decode_subscribe(const Fields& f, const SessionInfo&) {
  // The seed's only channel is "conversation"; the field may be left out.
  auto channel = f.optional_string("channel");
  if (!channel) return Failure{channel.error()};
  if (*channel && **channel != kConversation) {
    return Failure{f.error(ErrorCode::invalid_field, "channel must be \"conversation\"", "channel")};
  }
  auto id = f.id("conversation_id");
  if (!id) return Failure{id.error()};

  Action a = make_action(Action::Type::subscribe, f.request_event());
  a.room = conversation_room(*id);
  a.authorize = CalloutCall{std::string(kParticipantCallout), {{"conversation_id", *id}}};
  OrderedJson reply;
  reply["event"] = "subscribed";
  reply["conversation_id"] = *id;
  a.reply = render(reply);
  return a;
}

Decoded decode_unsubscribe(const Fields& f, const SessionInfo&) {
  auto id = f.id("conversation_id");
  if (!id) return Failure{id.error()};
  // The seed defines no confirmation frame for unsubscribe: reply stays empty.
  Action a = make_action(Action::Type::unsubscribe, f.request_event());
  a.room = conversation_room(std::move(*id));
  return a;
}

Decoded decode_typing(const Fields& f, const SessionInfo& s) {
  auto id = f.id("conversation_id");
  if (!id) return Failure{id.error()};
  auto is_typing = f.boolean("is_typing");
  if (!is_typing) return Failure{is_typing.error()};

  Action a = make_action(Action::Type::publish, f.request_event());
  a.kind = "typing";
  a.room = conversation_room(std::move(*id));
  a.require_joined = true;
  a.data = Json{{"user_id", s.user.id}, {"user_name", s.user.name}, {"is_typing", *is_typing}};
  // The seed's typing frame goes to the conversation's other participants only.
  a.fanout = Event{"typing", a.data, Exclude{s.user.id, {}}, std::nullopt};
  return a;
}

Decoded decode_presence(const Fields& f, const SessionInfo& s) {
  auto status = f.one_of("status", {"online", "offline", "away"});
  if (!status) return Failure{status.error()};
  Action a = make_action(Action::Type::publish, f.request_event());
  a.kind = "presence";
  a.room = RoomKey{"user", s.user.id};
  a.data = Json{{"user_id", s.user.id}, {"status", std::move(*status)}};
  return a;
}

struct Handler {
  std::string_view event;
  Decoded (*decode)(const Fields&, const SessionInfo&);
};

constexpr std::array kHandlers{
    Handler{"ping", decode_ping},
    Handler{"subscribe", decode_subscribe},
    Handler{"unsubscribe", decode_unsubscribe},
    Handler{"typing", decode_typing},
    Handler{"presence", decode_presence},
};

// Seed order of the payloads the REST services publish (they reach us key-sorted).
const KeyOrders& data_order(std::string_view event) {
  static const KeyOrders none;
  static const KeyOrders message_new{
      {"id"},
      {"conversation_id"},
      {"sender", {{"id"}, {"username"}, {"full_name"}, {"profile_image_url"}}},
      {"content"},
      {"message_type"},
      {"created_at"},
  };
  static const KeyOrders typing{{"user_id"}, {"user_name"}, {"is_typing"}};
  if (event == "message.new") return message_new;
  if (event == "typing") return typing;
  return none;
}

// The frame's conversation: the room's id when the room is a conversation, else
// what the payload names (a message.new pushed to a user room), else none.
std::optional<std::string> conversation_of(const Event& e, const RoomKey& room) {
  if (room.kind == kConversation) return room.id;
  if (!e.data.is_object()) return std::nullopt;
  auto it = e.data.find("conversation_id");
  if (it == e.data.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return it->dump();
  return std::nullopt;
}

}  // namespace

std::vector<std::string> TribeAdapter::required_callouts() const {
  return {std::string(kParticipantCallout)};
}

std::vector<std::string> TribeAdapter::callout_params(std::string_view callout) const {
  if (callout == kParticipantCallout) return {"conversation_id"};  // the frame's conversation
  return {};
}

OpenPlan TribeAdapter::plan_open(const SessionInfo&) const { return {}; }

Opened TribeAdapter::on_open(const SessionInfo&) const {
  OrderedJson connected;
  connected["event"] = "connected";
  connected["message"] = "WebSocket connection established";
  // No rooms here: the core joins every session to its user room itself.
  return Opened{{render(connected)}, {}};
}

Result<Action, DialectError> TribeAdapter::decode(std::string_view frame, const SessionInfo& s) const {
  auto envelope = parse_envelope(frame, "event");
  if (!envelope) return Failure{envelope.error()};
  for (const Handler& h : kHandlers) {
    if (envelope->type == h.event) return h.decode(Fields(envelope->body, h.event), s);
  }
  return Failure{unknown_type("event", envelope->type)};
}

std::optional<std::string> TribeAdapter::encode(const Event& e, const RoomKey& room) const {
  if (e.frame) return render(*e.frame);
  if (e.name.empty()) return std::nullopt;
  // Once per event: written straight, as render() would write the OrderedJson.
  std::string out = R"({"event":)";
  append_string(out, e.name);
  if (auto conversation = conversation_of(e, room)) {
    out += R"(,"conversation_id":)";
    append_string(out, *conversation);
  }
  out += R"(,"data":)";
  append_ordered(out, e.data, data_order(e.name));
  out += '}';
  return out;
}

std::optional<std::string> TribeAdapter::encode_error(const DialectError& e) const {
  OrderedJson out;
  out["event"] = "error";
  out["code"] = std::string(public_code(e.code));
  out["message"] = e.detail.empty() ? std::string(public_code(e.code)) : e.detail;
  if (!e.request_event.empty()) out["request_event"] = clip(e.request_event);
  return render(out);
}

}  // namespace gangway::adapters
