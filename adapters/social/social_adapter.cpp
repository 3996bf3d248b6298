#include "adapters/social/social_adapter.hpp"

#include <algorithm>
#include <array>

#include "adapters/common/json_fields.hpp"
#include "adapters/common/numeric_id.hpp"
#include "adapters/common/render.hpp"
#include "adapters/social/social_frames.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/subject.hpp"

namespace gangway::adapters {

namespace {

constexpr std::string_view kGroupMemberCallout = "group_member";
constexpr std::string_view kUserGroupsCallout = "user_groups";

using Decoded = Result<Action, DialectError>;

// The seed's message fields, shared by the three client types.
struct Message {
  std::string content;
  std::int64_t timestamp = 0;
};

// content is required and must say something (the seed's "missing required
// fields" covers an empty one); timestamp is the client's if it sent one, else now.
FieldResult<Message> read_message(const Fields& f) {
  auto content = f.string("content");
  if (!content) return Failure{content.error()};
  if (content->empty()) return Failure{f.error(ErrorCode::missing_field, "content is empty", "content")};
  auto timestamp = f.optional_integer("timestamp", 0);
  if (!timestamp) return Failure{timestamp.error()};
  return Message{std::move(*content), timestamp->value_or(unix_now())};
}

Action publish_action(const Fields& f, RoomKey room, Json data) {
  Action a;
  a.type = Action::Type::publish;
  a.request_event = f.request_event();
  a.kind = f.request_event();  // gw.in.social.<private|group|broadcast>.…
  a.room = std::move(room);
  a.data = std::move(data);
  return a;
}

// To `to`'s user room, stored first; the sender gets no confirmation, and a
// recipient who is offline simply is not in the room.
Decoded decode_private(const Fields& f, const SessionInfo&) {
  auto to = f.integer("to", 1);
  if (!to) return Failure{to.error()};
  auto m = read_message(f);
  if (!m) return Failure{m.error()};
  Json data = {
      {"type", "private"}, {"to", *to}, {"content", std::move(m->content)}, {"timestamp", m->timestamp}};
  Action a = publish_action(f, RoomKey{"user", std::to_string(*to)}, std::move(data));
  a.persist = true;
  a.fanout = Event{"private", a.data, {}, std::nullopt};
  return a;
}

// To the group's accepted members except the sender, stored first. Only a
// member may send; the group_member callout decides. The seed's group_id is a
// string; an integer is taken too (its HTTP API calls groups by number).
Decoded decode_group(const Fields& f, const SessionInfo& s) {
  auto group_id = f.id("group_id");
  if (!group_id) return Failure{group_id.error()};
  auto m = read_message(f);
  if (!m) return Failure{m.error()};
  Json data = {{"type", "group"},
               {"group_id", *group_id},
               {"content", std::move(m->content)},
               {"timestamp", m->timestamp}};
  Action a = publish_action(f, RoomKey{"group", *group_id}, std::move(data));
  a.authorize = CalloutCall{std::string(kGroupMemberCallout), {{"group_id", *group_id}}};
  a.persist = true;
  a.fanout = Event{"group", a.data, Exclude{s.user.id, {}}, std::nullopt};
  return a;
}

// To every connected user, the sender included; never stored. Administrators
// only (the app's admin_pointer into the session answer sets s.user.admin).
Decoded decode_broadcast(const Fields& f, const SessionInfo& s) {
  auto m = read_message(f);
  if (!m) return Failure{m.error()};
  if (!s.user.admin) return Failure{f.error(ErrorCode::forbidden, "only administrators may broadcast")};
  Json data = {{"type", "broadcast"}, {"content", std::move(m->content)}, {"timestamp", m->timestamp}};
  Action a = publish_action(f, RoomKey{"all", ""}, std::move(data));
  a.fanout = Event{"broadcast", a.data, {}, std::nullopt};
  return a;
}

struct Handler {
  std::string_view type;
  Decoded (*decode)(const Fields&, const SessionInfo&);
};

constexpr std::array kHandlers{
    Handler{"private", decode_private},
    Handler{"group", decode_group},
    Handler{"broadcast", decode_broadcast},
};

// The ids in the user_groups answer: a bare array, or {"group_ids": [...]}.
// Ids may be numbers or strings; anything unusable as a room id is skipped.
std::vector<RoomKey> group_rooms(const Json& answer) {
  const Json* ids = &answer;
  if (answer.is_object()) {
    auto it = answer.find("group_ids");
    if (it == answer.end()) return {};
    ids = &*it;
  }
  std::vector<RoomKey> rooms;
  if (!ids->is_array()) return rooms;
  for (const Json& id : *ids) {
    RoomKey room{"group", id_string(id)};
    if (is_valid_id(room.id) && std::find(rooms.begin(), rooms.end(), room) == rooms.end())
      rooms.push_back(std::move(room));
  }
  return rooms;
}

// The seed drops a frame that is not JSON or lacks a required field without a
// word; a wrong type, an unknown type or a binary frame is the same mistake.
bool is_silent(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_json:
    case ErrorCode::unknown_type:
    case ErrorCode::missing_field:
    case ErrorCode::invalid_field:
    case ErrorCode::invalid_id:
    case ErrorCode::binary_frame:
    case ErrorCode::invalid_utf8:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<std::string> SocialAdapter::required_callouts() const {
  return {std::string(kGroupMemberCallout), std::string(kUserGroupsCallout)};
}

std::vector<std::string> SocialAdapter::callout_params(std::string_view callout) const {
  if (callout == kGroupMemberCallout) return {"group_id"};  // the frame's group
  return {};
}

OpenPlan SocialAdapter::plan_open(const SessionInfo&) const {
  // Fail closed: without the group list the socket would silently miss its
  // groups' messages, so a denied or unreachable callout refuses the upgrade.
  return OpenPlan{{CalloutCall{std::string(kUserGroupsCallout), {}}}, 0, 0};
}

Opened SocialAdapter::on_open(const SessionInfo& s) const {
  // The seed sends nothing on connect.
  Opened o;
  if (s.context.is_object()) {
    if (auto it = s.context.find(kUserGroupsCallout); it != s.context.end()) o.rooms = group_rooms(*it);
  }
  return o;
}

Result<Action, DialectError> SocialAdapter::decode(std::string_view frame, const SessionInfo& s) const {
  auto envelope = parse_envelope(frame, "type");
  if (!envelope) return Failure{envelope.error()};
  for (const Handler& h : kHandlers) {
    if (envelope->type == h.type) return h.decode(Fields(envelope->body, h.type), s);
  }
  return Failure{unknown_type("type", envelope->type)};
}

std::optional<std::string> SocialAdapter::encode(const Event& e, const RoomKey& room) const {
  return render_social_event(e, room);
}

std::optional<std::string> SocialAdapter::encode_error(const DialectError& e) const {
  if (is_silent(e.code)) return std::nullopt;
  std::string message = e.detail.empty() ? std::string(public_code(e.code)) : e.detail;
  // The core's refusal of a callout is generic; say what the check was.
  if ((e.code == ErrorCode::forbidden || e.code == ErrorCode::not_found) && e.request_event == "group")
    message = "not a member of this group";
  OrderedJson out;
  out["type"] = "error";
  out["code"] = std::string(public_code(e.code));
  out["message"] = std::move(message);
  return render(out);
}

}  // namespace gangway::adapters
