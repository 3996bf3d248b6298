#include "adapters/pythia/pythia_adapter.hpp"

#include <array>

#include "adapters/common/json_fields.hpp"
#include "adapters/common/render.hpp"
#include "adapters/pythia/pythia_frames.hpp"
#include "adapters/pythia/pythia_options.hpp"
#include "gateway/core/subject.hpp"

namespace gangway::adapters {

namespace {

constexpr std::string_view kChannel = "channel";
constexpr std::string_view kMembershipCallout = "user_channels";
constexpr std::string_view kAccessCallout = "channel_access";

using Decoded = Result<Action, DialectError>;

// One client frame, taken apart.
struct Request {
  const Json& body;
  const Fields& fields;
  const SessionInfo& session;
  const std::string& timestamp;
  const pythia::Options& options;
};

Action make_action(Action::Type type, std::string_view request) {
  Action a;
  a.type = type;
  a.request_event = std::string(request);
  return a;
}

RoomKey channel_room(std::string id) { return RoomKey{std::string(kChannel), std::move(id)}; }

CalloutCall access_check(const std::string& channel_id) {
  return CalloutCall{std::string(kAccessCallout), {{"channel_id", channel_id}}};
}

// The original server tested `if not channel_id`: absent, null and "" are all
// missing_channel_id. Pythia ids are strings, so a number is a bad id.
FieldResult<std::string> channel_id(const Request& r) {
  auto it = r.body.find("channel_id");
  if (it == r.body.end() || it->is_null() || (it->is_string() && it->get_ref<const std::string&>().empty())) {
    return Failure{r.fields.error(ErrorCode::missing_field, "channel_id is required", "channel_id")};
  }
  if (!it->is_string()) {
    return Failure{r.fields.error(ErrorCode::invalid_field, "channel_id must be a string", "channel_id")};
  }
  const auto& id = it->get_ref<const std::string&>();
  if (!is_valid_id(id)) {
    return Failure{r.fields.error(ErrorCode::invalid_id,
                                  "channel_id must be a string of [A-Za-z0-9_-], at most " +
                                      std::to_string(kMaxIdLength) + " characters",
                                  "channel_id")};
  }
  return id;
}

// Seed 001's user_joined / user_left, for an explicit join_channel or
// leave_channel (never for the joins at connect): to the channel's other
// members, once per user (the first socket in, the last one out,
// cluster-wide). With "non_members" a member's is left to the REST service,
// whose join and leave endpoints publish it: the channel_access answer
// saying the user is a member (member_pointer) keeps the gateway quiet, so
// a REST join followed by the socket's join_channel is announced once.
void announce(Action& a, const Request& r, const std::string& channel, const char* event, Action::Presence when) {
  if (r.options.announce == pythia::Announce::never) return;
  a.kind = when == Action::Presence::online ? "join" : "leave";
  a.presence = when;
  a.data = Json{{"user_id", r.session.user.id}, {"channel_id", channel}};
  a.fanout = Event{event, a.data, Exclude{r.session.user.id, {}}, std::nullopt};
  if (r.options.announce != pythia::Announce::non_members) return;
  a.authorize = access_check(channel);  // a leave asks only whether the user is a member
  a.quiet_if = r.options.member_pointer;
}

Decoded decode_join(const Request& r) {
  auto id = channel_id(r);
  if (!id) return Failure{id.error()};
  Action a = make_action(Action::Type::subscribe, r.fields.request_event());
  a.room = channel_room(*id);
  a.reply = pythia::channel_reply("channel_joined", *id, r.timestamp);
  announce(a, r, *id, "user_joined", Action::Presence::online);
  a.authorize = access_check(*id);
  return a;
}

Decoded decode_leave(const Request& r) {
  auto id = channel_id(r);
  if (!id) return Failure{id.error()};
  // Leaving needs no access check: it only narrows what the socket receives.
  // An announced leave asks channel_access only whether the user is a member.
  Action a = make_action(Action::Type::unsubscribe, r.fields.request_event());
  a.room = channel_room(*id);
  a.reply = pythia::channel_reply("channel_left", *id, r.timestamp);
  announce(a, r, *id, "user_left", Action::Presence::offline);
  return a;
}

Event typing_event(const SessionInfo& s, const std::string& channel, bool is_typing) {
  Json data{{"user_id", s.user.id}, {"channel_id", channel}, {"is_typing", is_typing}};
  // The typist's own sockets are not told about themselves.
  return Event{"typing_indicator", std::move(data), Exclude{s.user.id, {}}, std::nullopt};
}

Decoded decode_typing(const Request& r) {
  auto id = channel_id(r);
  if (!id) return Failure{id.error()};
  auto is_typing = r.fields.boolean("is_typing");
  if (!is_typing) return Failure{is_typing.error()};
  Action a = make_action(Action::Type::publish, r.fields.request_event());
  a.kind = "typing";
  a.room = channel_room(*id);
  // Being in the room means auto-joined as a member or joined after channel_access allowed.
  a.require_joined = true;
  a.fanout = typing_event(r.session, *id, *is_typing);
  a.data = a.fanout->data;
  return a;
}

Decoded decode_ping(const Request& r) {
  Action a = make_action(Action::Type::reply, r.fields.request_event());
  a.reply = pythia::pong(r.timestamp);
  return a;
}

Decoded decode_online_users(const Request& r) {
  auto id = channel_id(r);
  if (!id) return Failure{id.error()};
  Action a = make_action(Action::Type::query, r.fields.request_event());
  a.query = Action::Query::online_users;
  a.room = channel_room(*id);
  // Who is online in a private channel is its members' business.
  a.authorize = access_check(*id);
  return a;
}

struct Handler {
  std::string_view type;
  Decoded (*decode)(const Request&);
};

constexpr std::array kHandlers{
    Handler{"join_channel", decode_join},
    Handler{"leave_channel", decode_leave},
    Handler{"typing_indicator", decode_typing},
    Handler{"ping", decode_ping},
    Handler{"get_online_users", decode_online_users},
};

Action status_action(const SessionInfo& s, const std::string& channel, std::string_view status,
                     Action::Presence presence) {
  Action a = make_action(Action::Type::publish, "");
  a.kind = "presence";
  a.room = channel_room(channel);
  a.data = Json{{"user_id", s.user.id}, {"status", std::string(status)}};
  a.fanout = Event{"user_status", a.data, Exclude{s.user.id, {}}, std::nullopt};
  a.presence = presence;
  return a;
}

Action typing_stop_action(const SessionInfo& s, const std::string& channel, Action::Presence presence) {
  Action a = make_action(Action::Type::publish, "");
  a.kind = "typing";
  a.room = channel_room(channel);
  a.fanout = typing_event(s, channel, false);
  a.data = a.fanout->data;
  a.presence = presence;
  return a;
}

}  // namespace

PythiaAdapter::PythiaAdapter(pythia::Options options) : PythiaAdapter(&pythia::seed_timestamp, options) {}

std::vector<std::string> PythiaAdapter::required_callouts() const {
  return {std::string(kMembershipCallout), std::string(kAccessCallout)};
}

std::vector<std::string> PythiaAdapter::callout_params(std::string_view callout) const {
  if (callout == kAccessCallout) return {"channel_id"};  // the frame's channel
  return {};
}

OpenPlan PythiaAdapter::plan_open(const SessionInfo&) const {
  // A user the backend does not know (denied) is refused with 403, a backend
  // that does not answer with 503: auto-join is part of the seed's connect.
  OpenPlan plan;
  plan.checks.push_back(CalloutCall{std::string(kMembershipCallout), {}});
  return plan;
}

Opened PythiaAdapter::on_open(const SessionInfo& s) const {
  Opened o;
  o.frames.push_back(pythia::connection_established(s.user.id, s.user.username, clock_()));
  Json membership = s.context.is_object() ? s.context.value(std::string(kMembershipCallout), Json()) : Json();
  for (std::string& channel : pythia::member_channels(membership, options_.max_auto_join)) {
    o.actions.push_back(status_action(s, channel, "online", Action::Presence::online));
    o.rooms.push_back(channel_room(std::move(channel)));
  }
  return o;
}

std::vector<Action> PythiaAdapter::on_close(const SessionInfo& s, const std::vector<RoomKey>& rooms) const {
  std::vector<Action> out;
  for (const RoomKey& room : rooms) {
    if (room.kind != kChannel) continue;
    out.push_back(status_action(s, room.id, "offline", Action::Presence::offline));
    if (options_.typing_stop == pythia::TypingStop::never) continue;
    out.push_back(typing_stop_action(s, room.id,
                                     options_.typing_stop == pythia::TypingStop::last_socket
                                         ? Action::Presence::offline
                                         : Action::Presence::none));
  }
  return out;
}

Result<Action, DialectError> PythiaAdapter::decode(std::string_view frame, const SessionInfo& s) const {
  auto envelope = parse_envelope(frame, "type");
  if (!envelope) return Failure{envelope.error()};
  for (const Handler& h : kHandlers) {
    if (envelope->type != h.type) continue;
    Fields fields(envelope->body, h.type);
    std::string timestamp = clock_();
    return h.decode(Request{envelope->body, fields, s, timestamp, options_});
  }
  return Failure{unknown_type("type", envelope->type)};
}

std::optional<std::string> PythiaAdapter::encode(const Event& e, const RoomKey& room) const {
  if (e.frame) return render(*e.frame);
  if (e.name.empty()) return std::nullopt;
  return pythia::event_frame(e, room, clock_());
}

std::optional<std::string> PythiaAdapter::encode_error(const DialectError& e) const {
  return pythia::error_frame(e);
}

std::vector<std::string> PythiaAdapter::render_query(const Action& a, const Json& answer,
                                                     const SessionInfo&) const {
  if (a.query != Action::Query::online_users) return {};
  Json users = answer.is_object() ? answer.value("users", Json::array()) : Json::array();
  if (!users.is_array()) users = Json::array();
  return {pythia::online_users(a.room.id, users, clock_())};
}

bool PythiaAdapter::tracks_presence(const RoomKey& room) const { return room.kind == kChannel; }

}  // namespace gangway::adapters
