#include "adapters/circles/circles_adapter.hpp"

#include "adapters/circles/circles_decode.hpp"
#include "adapters/circles/circles_frames.hpp"
#include "adapters/circles/circles_socket.hpp"
#include "adapters/common/numeric_id.hpp"

namespace gangway::adapters {

using namespace circles;

std::vector<std::string> CirclesAdapter::required_callouts() const {
  return {std::string(kDmAccessCallout), std::string(kPlaceCheckinCallout)};
}

// thread_id and place_id are the route's: a route without them is no DM or
// place socket, so they must come from the routes, not from here.
std::vector<std::string> CirclesAdapter::callout_params(std::string_view callout) const {
  if (callout == kPlaceCheckinCallout) return {"window_hours"};
  return {};
}

std::optional<SenderField> CirclesAdapter::sender_field(std::string_view event, const Json& profile) const {
  // Seed 000's DM message: "sender_info": {"id": 8, "name": "...", "avatar_url": null}.
  if (event != "message") return std::nullopt;
  auto field = [&profile](const char* key) { return profile.is_object() ? profile.value(key, Json()) : Json(); };
  Json id = field("id");
  return SenderField{"/sender_info",
                     Json{{"id", id.is_string() ? id_json(id.get<std::string>()) : id},
                          {"name", field("name")},
                          {"avatar_url", field("avatar_url")}}};
}

OpenPlan CirclesAdapter::plan_open(const SessionInfo& s) const {
  OpenPlan plan;
  plan.forbidden_close_code = kCloseForbidden;
  Socket socket = socket_of(s);
  switch (socket.kind) {
    case Socket::Kind::dm:
      plan.checks.push_back(CalloutCall{std::string(kDmAccessCallout), {{"thread_id", socket.id}}});
      break;
    case Socket::Kind::place:
      plan.checks.push_back(CalloutCall{std::string(kPlaceCheckinCallout),
                                        {{"place_id", socket.id}, {"window_hours", std::to_string(options_.window_hours)}}});
      break;
    case Socket::Kind::user:
      // The seed: the token must match {user_id}, "otherwise close with 4401".
      if (socket.id != s.user.id) plan.refuse_close_code = kCloseUnauthorized;
      break;
    case Socket::Kind::unknown:
      // A route this dialect does not know is a config mistake: let nobody in.
      plan.refuse_close_code = kCloseForbidden;
      break;
  }
  return plan;
}

Opened CirclesAdapter::on_open(const SessionInfo& s) const {
  Socket socket = socket_of(s);
  Opened opened;
  opened.frames.push_back(connection_established(socket, s, options_.window_hours));
  // The user room is joined by the core for every socket.
  if (socket.kind == Socket::Kind::user || socket.kind == Socket::Kind::unknown) return opened;
  RoomKey room = room_of(socket);
  opened.rooms.push_back(room);
  if (socket.kind == Socket::Kind::dm) {
    // thread_info needs other_user_online, which only the cluster knows: the
    // query's answer is rendered by render_query(). It runs after joining, so
    // the answer includes this socket and the other user's, wherever they are.
    Action query;
    query.type = Action::Type::query;
    query.request_event = "thread_info";
    query.query = Action::Query::online_users;
    query.room = room;
    opened.actions.push_back(std::move(query));
    opened.actions.push_back(presence_action(s, room, true));
  }
  return opened;
}

Result<Action, DialectError> CirclesAdapter::decode(std::string_view frame, const SessionInfo& s) const {
  return decode_frame(frame, s);
}

std::optional<std::string> CirclesAdapter::encode(const Event& e, const RoomKey& room) const {
  return event_frame(e, room);
}

std::optional<std::string> CirclesAdapter::encode_error(const DialectError& e) const { return error_frame(e); }

std::vector<Action> CirclesAdapter::on_close(const SessionInfo& s, const std::vector<RoomKey>& rooms) const {
  std::vector<Action> actions;
  for (const RoomKey& room : rooms)
    if (room.kind == kDmRoom) actions.push_back(presence_action(s, room, false));
  return actions;
}

std::vector<std::string> CirclesAdapter::render_query(const Action& a, const Json& answer,
                                                      const SessionInfo& s) const {
  if (a.query != Action::Query::online_users || a.room.kind != kDmRoom) return {};
  return {thread_info(s, answer)};
}

bool CirclesAdapter::tracks_presence(const RoomKey& room) const { return room.kind == kDmRoom; }

}  // namespace gangway::adapters
