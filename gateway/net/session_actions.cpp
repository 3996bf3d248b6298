// What a session does with a decoded Action: the dialect-neutral core of the gateway.
#include <boost/asio/post.hpp>
#include <utility>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/net/loop_pool.hpp"
#include "gateway/net/ws_session.hpp"

namespace gangway::net {

void WsSession::execute(Action&& action) {
  using Type = Action::Type;
  switch (action.type) {
    case Type::ignore:
      return;
    case Type::reply:
      return send_text(std::move(action.reply));
    case Type::subscribe: {
      auto a = std::make_shared<Action>(std::move(action));
      return authorize_then(*a, [this, a] {
        join(a->room, [this, a] {
          send_text(std::exchange(a->reply, {}));
          // A join may announce itself (winkr's user:online), through the publish path.
          if (a->fanout) publish(std::move(*a));
        });
      });
    }
    case Type::unsubscribe:
      leave(action.room);
      return send_text(std::move(action.reply));
    case Type::publish: {
      if (action.require_joined && !in_room(action.room))
        return send_error({ErrorCode::not_joined, "subscribe to " + action.room.kind + " " + action.room.id + " first",
                           "", action.request_event});
      if (auto r = app_.limits.rates.find(action.kind);
          action.presence == Action::Presence::none && r != app_.limits.rates.end() &&
          !services_.rates->allow(info_.app, info_.user.id, action.kind, r->second))
        return send_error({ErrorCode::rate_limited, "too many " + action.kind + " frames, slow down", "",
                           action.request_event});
      auto a = std::make_shared<Action>(std::move(action));
      return authorize_then(*a, [this, a] { publish(std::move(*a)); });
    }
    case Type::query:
      return answer(std::move(action));
  }
}

void WsSession::answer(Action&& query) {
  Json result;
  if (query.kind == "online_users") {
    result = {{"users", services_.presence->users(info_.app, query.room)}};
  } else if (query.kind == "user_online") {
    result = {{"online", services_.presence->present(info_.app, query.room, query.room.id)}};
  } else {
    return send_error({ErrorCode::internal, "unknown query", "", query.request_event});
  }
  auto a = std::make_shared<Action>(std::move(query));
  authorize_then(*a, [this, a, result = std::move(result)] {
    for (auto& frame : app_.adapter->render_query(*a, result, info_)) send_text(std::move(frame));
  });
}

void WsSession::send_error(DialectError error) {
  services_.metrics->error(info_.app, to_string(error.code));
  if (auto frame = app_.adapter->encode_error(error)) send_text(std::move(*frame));
}

void WsSession::authorize_then(const Action& action, std::function<void()> next) {
  if (!action.authorize) return next();
  call(*action.authorize, [this, request = action.request_event, next = std::move(next)](backend::CalloutResult r) {
    using Outcome = backend::CalloutResult::Outcome;
    if (r.outcome == Outcome::allowed) return next();
    if (r.outcome == Outcome::denied && r.status == 404) return send_error({ErrorCode::not_found, "not found", "", request});
    if (r.outcome == Outcome::denied) return send_error({ErrorCode::forbidden, "not allowed", "", request});
    send_error({ErrorCode::unavailable, "authorization is unavailable, try again", "", request});
  });
}

void WsSession::call(const CalloutCall& c, std::function<void(backend::CalloutResult)> done, Json body) {
  auto spec = app_.config.callouts.find(c.name);
  if (spec == app_.config.callouts.end() || !app_.callouts) {
    // --check-config refuses this; fail closed if it happens anyway.
    return done(backend::CalloutResult{backend::CalloutResult::Outcome::unavailable, 0, nullptr});
  }
  backend::CalloutRequest req;
  req.params = info_.params;
  for (const auto& [k, v] : c.params) req.params[k] = v;
  if (!info_.user.id.empty()) req.params["user_id"] = info_.user.id;
  req.bearer = token_;
  req.cookie = cookie_;
  req.body = std::move(body);
  auto* metrics = services_.metrics;
  auto app = info_.app, name = c.name;
  // Holds the session: before the upgrade is accepted no pending I/O does.
  app_.callouts->call(spec->second, std::move(req),
                      [keep = shared_from_this(), back = post_back<backend::CalloutResult>(std::move(done)), metrics,
                       app, name](backend::CalloutResult r) mutable {
                        static constexpr std::string_view names[] = {"allowed", "denied", "unavailable"};
                        metrics->callout(app, name, names[static_cast<int>(r.outcome)]);
                        back(std::move(r));
                      });
}

bool WsSession::tracked(const RoomKey& room) const {
  return room.kind == "user" || app_.adapter->tracks_presence(room);
}

int WsSession::standing_bit(const RoomKey& room) const {
  if (room.kind == "user" && room.id == info_.user.id) return 1;
  if (room.kind == "conn" && room.id == info_.conn_id) return 2;
  if (room.kind == "all" && room.id.empty()) return 4;
  return 0;
}

std::vector<RoomKey> WsSession::standing_rooms(int bits) const {
  std::vector<RoomKey> rooms;
  if (bits & 1) rooms.push_back({"user", info_.user.id});
  if (bits & 2) rooms.push_back({"conn", info_.conn_id});
  if (bits & 4) rooms.push_back({"all", ""});
  return rooms;
}

std::vector<RoomKey> WsSession::joined_rooms() const {
  std::vector<RoomKey> rooms = standing_rooms(standing_);
  rooms.insert(rooms.end(), rooms_.begin(), rooms_.end());
  return rooms;
}

void WsSession::join(const RoomKey& room, std::function<void()> ready) {
  if (!in_room(room)) {
    if (int bit = standing_bit(room)) {
      standing_ |= static_cast<std::uint8_t>(bit);
    } else {
      rooms_.push_back(room);
    }
    if (tracked(room)) services_.presence->enter(info_.app, room, info_.user.id, info_.conn_id);
  }
  // `ready` may come after this session closed (or left the room again).
  auto guarded = [weak = weak_from_this(), room, ready = std::move(ready)] {
    if (auto self = weak.lock(); self && !self->closing_ && self->in_room(room)) ready();
  };
  services_.fanout->join(loop_, services_.subjects.outbound(info_.app, room), room, *app_.adapter, *app_.metrics,
                         this, std::move(guarded));
}

void WsSession::leave(const RoomKey& room) {
  if (int bit = standing_bit(room)) {
    if (!(standing_ & bit)) return;
    standing_ &= static_cast<std::uint8_t>(~bit);
  } else {
    auto it = std::find(rooms_.begin(), rooms_.end(), room);
    if (it == rooms_.end()) return;
    rooms_.erase(it);
  }
  if (tracked(room)) services_.presence->leave(info_.app, room, info_.user.id, info_.conn_id);
  services_.fanout->leave(loop_, services_.subjects.outbound(info_.app, room), this);
}

bool WsSession::in_room(const RoomKey& room) const {
  if (int bit = standing_bit(room)) return standing_ & bit;
  return std::find(rooms_.begin(), rooms_.end(), room) != rooms_.end();
}

Json WsSession::envelope(const Action& a, const std::string& id) const {
  return {{"id", id},
          {"app", info_.app},
          {"kind", a.kind},
          {"room", {{"kind", a.room.kind}, {"id", a.room.id}}},
          {"user", {{"id", info_.user.id}, {"name", info_.user.name}}},
          {"conn", info_.conn_id},
          {"gateway", services_.gateway_id},
          {"received_at", iso8601_now()},
          {"data", a.data}};
}

void WsSession::publish(Action&& a) {
  // A presence announcement is only news on the user's first socket in the
  // room, or once their last socket has left it (cluster-wide).
  if (a.presence != Action::Presence::none &&
      services_.presence->present(info_.app, a.room, info_.user.id, info_.conn_id))
    return;
  if (a.persist) return store_then_fan_out(std::move(a));
  auto id = new_uuid();
  auto& bus = *services_.no_echo_bus;
  if (bus.publish(services_.subjects.inbound(info_.app, a.kind, a.room), envelope(a, id).dump(),
                  {{"Nats-Msg-Id", id}}) != bus::BusError::ok)
    return send_error({ErrorCode::unavailable, "the message bus is unavailable, try again", "", a.request_event});
  fan_out(a);
}

void WsSession::fan_out(const Action& a) {
  if (a.fanout) services_.bus->publish(services_.subjects.outbound(info_.app, a.room), serialize_event(*a.fanout));
  if (open_) send_text(a.reply);
}

// Written out member by member: every socket publishes two of these, and as a
// JSON document (a map per object) building one cost about as much as
// verifying the socket's token. The ids are plain tokens ([A-Za-z0-9_-]:
// is_valid_id, checked at config load and before a socket opens), so only
// the display name needs JSON escaping.
void WsSession::publish_lifecycle(std::string_view what, std::string_view extra_members) {
  std::string body = "{\"id\":\"";
  body += new_uuid();
  body += "\",\"app\":\"";
  body += info_.app;
  body += "\",\"user\":{\"id\":\"";
  body += info_.user.id;
  body += "\",\"name\":";
  body += Json(info_.user.name).dump();
  body += "},\"conn\":\"";
  body += info_.conn_id;
  body += "\",\"gateway\":\"";
  body += services_.gateway_id;
  body += "\",\"at\":\"";
  body += iso8601_now();
  body += '"';
  body += extra_members;
  body += '}';
  services_.no_echo_bus->publish(services_.subjects.lifecycle(info_.app, what), body);
}

}  // namespace gangway::net
