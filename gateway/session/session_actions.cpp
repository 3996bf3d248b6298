// What a decoded Action does, in its turn (session_order.cpp): the order is
// require-joined, rate, authorize, then publish (or store), fan out and
// reply. Each wait marks the session waiting_ and the handler of its end is
// a WaitOver: call() does both for every callout; a join does them here.
#include <memory>
#include <utility>

#include "gateway/core/ids.hpp"
#include "gateway/session/envelope.hpp"
#include "gateway/session/session.hpp"

namespace gangway {

namespace {

// The authorization's answer says the announcement is not the gateway's to make (Action::quiet_if).
bool quiet(const Action& a, const Json& answer) {
  if (a.quiet_if.empty() || !answer.is_object()) return false;
  try {
    Json::json_pointer ptr(a.quiet_if);
    return answer.contains(ptr) && answer.at(ptr) == true;
  } catch (const Json::exception&) {
    return false;
  }
}

}  // namespace

void Session::run(Action&& action, bool rated) {
  using Type = Action::Type;
  switch (action.type) {
    case Type::ignore:
      return;
    case Type::reply:
      peer_.send_text(std::move(action.reply));
      return;
    case Type::subscribe: {
      auto a = std::make_shared<Action>(std::move(action));
      return authorize_then(*a, [this, a](const Json& answer) {
        if (quiet(*a, answer)) a->fanout.reset();
        // Joined once the server has the subscription: what the client sends
        // next (a message to the room) waits for its confirmation.
        waiting_ = true;
        join(a->room, [this, a] {
          WaitOver over(*this);
          peer_.send_text(std::exchange(a->reply, {}));
          // A join may announce itself (winkr's user:online, pythia's user_joined), through the publish path.
          if (a->fanout) publish(std::move(*a));
        });
      });
    }
    case Type::unsubscribe:
      leave(action.room);
      peer_.send_text(std::exchange(action.reply, {}));
      if (action.fanout) announce_leave(std::move(action));
      return;
    case Type::publish: {
      if (action.require_joined && !rooms_.contains(action.room, info_))
        return send_error({ErrorCode::not_joined, "subscribe to " + action.room.kind + " " + action.room.id + " first",
                           "", action.request_event});
      if (!rated && !within_rate(action)) return send_error(rate_limited(action));
      auto a = std::make_shared<Action>(std::move(action));
      return authorize_then(*a, [this, a](const Json&) { publish(std::move(*a)); });
    }
    case Type::query:
      return answer(std::move(action));
  }
}

// Presence announcements are the gateway's own doing, not the client's: never limited.
bool Session::within_rate(const Action& a) {
  if (a.presence != Action::Presence::none) return true;
  auto rates = app_.limits.rates.find(a.kind);
  return rates == app_.limits.rates.end() || services_.rates->allow(info_.app, info_.user.id, a.kind, rates->second);
}

void Session::answer(Action&& query) {
  Json result;
  switch (query.query) {
    case Action::Query::online_users:
      result = {{"users", services_.presence->users(info_.app, query.room)}};
      break;
    case Action::Query::user_online:
      result = {{"online", services_.presence->present(info_.app, query.room, query.room.id)}};
      break;
  }
  auto a = std::make_shared<Action>(std::move(query));
  authorize_then(*a, [this, a, result = std::move(result)](const Json&) {
    for (auto& frame : app_.adapter->render_query(*a, result, info_)) peer_.send_text(std::move(frame));
  });
}

void Session::send_error(DialectError error) {
  services_.metrics->error(info_.app, to_string(error.code));
  if (auto frame = app_.adapter->encode_error(error)) peer_.send_text(std::move(*frame));
}

void Session::authorize_then(const Action& action, std::function<void(const Json&)> next) {
  if (!action.authorize) return next(Json());
  call(*action.authorize, [this, request = action.request_event, next = std::move(next)](backend::CalloutResult r) {
    using Outcome = backend::CalloutResult::Outcome;
    if (r.outcome == Outcome::allowed) return next(r.body);
    if (r.outcome == Outcome::denied && r.status == 404) return send_error({ErrorCode::not_found, "not found", "", request});
    if (r.outcome == Outcome::denied) return send_error({ErrorCode::forbidden, "not allowed", "", request});
    send_error({ErrorCode::unavailable, "authorization is unavailable, try again", "", request});
  });
}

void Session::announce_leave(Action&& action) {
  if (!action.authorize) return publish(std::move(action));
  // The socket has left whatever the answer: it decides only whether the
  // leave is the gateway's to announce. A refusal or an outage announces nothing.
  auto a = std::make_shared<Action>(std::move(action));
  call(*a->authorize, [this, a](backend::CalloutResult r) {
    if (r.allowed() && !quiet(*a, r.body)) publish(std::move(*a));
  });
}

void Session::publish(Action&& a) {
  // A presence announcement is only news on the user's first socket in the
  // room, or once their last socket has left it (cluster-wide).
  if (a.presence != Action::Presence::none &&
      services_.presence->present(info_.app, a.room, info_.user.id, info_.conn_id))
    return;
  if (a.persist) return store_with_sender(std::move(a));
  auto id = new_uuid();
  auto& bus = *services_.no_echo_bus;
  if (bus.publish(services_.subjects.inbound(info_.app, a.kind, a.room),
                  envelope(a, info_, services_.gateway_id, id).dump(), {{"Nats-Msg-Id", id}}) != bus::BusError::ok)
    return send_error({ErrorCode::unavailable, "the message bus is unavailable, try again", "", a.request_event});
  fan_out(a);
}

void Session::fan_out(const Action& a) {
  if (a.fanout) {
    Event event = *a.fanout;
    if (draining()) keep_for_me(event, a.room);
    services_.bus->publish(services_.subjects.outbound(info_.app, a.room), serialize_event(event));
  }
  if (open_) peer_.send_text(a.reply);
}

// A draining socket closes as soon as its last store has answered, before
// the event that acknowledges it (winkr's message:new) would come back from
// the bus: it gets the event directly, and the room's copy excludes it.
void Session::keep_for_me(Event& event, const RoomKey& room) {
  const bool excluded = event.exclude.user == info_.user.id || event.exclude.conn == info_.conn_id;
  // Only one connection can be excluded: one the event already names keeps it.
  if (excluded || !event.exclude.conn.empty() || !rooms_.contains(room, info_)) return;
  if (open_)
    if (auto frame = app_.adapter->encode(event, room)) peer_.send_text(std::move(*frame));
  event.exclude.conn = info_.conn_id;
}

void Session::publish_lifecycle(std::string_view what, std::string_view extra_members) {
  services_.no_echo_bus->publish(services_.subjects.lifecycle(info_.app, what),
                                 lifecycle_body(info_, services_.gateway_id, extra_members));
}

}  // namespace gangway
