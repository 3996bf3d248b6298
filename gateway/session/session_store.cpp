// Persisted kinds: stored (JetStream, NATS request/reply or an HTTP callout)
// before they are fanned out. The sender hears of a failure, never silence;
// and once a store says yes, the stored message is published (gw.in for
// other systems where the store was not itself on NATS, gw.out for the room)
// whether or not its sender is still connected and whether or not the bus is
// up: the answer is handled on the thread that brings it, through the
// outbox (gateway/bus/outbox.hpp), and only the sender's reply goes back to
// the socket's loop. An HTTP store's request is the callout's template
// (request_template.hpp); its answer is mapped to the stored object or the
// dialect's error (store_answer.hpp).
#include <cstdint>
#include <memory>

#include "gateway/backend/store_answer.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/json_parse.hpp"
#include "gateway/session/envelope.hpp"
#include "gateway/session/sender.hpp"
#include "gateway/session/session.hpp"

namespace gangway {

namespace {

// Puts the stored object into the event's data at `into` ("" replaces it);
// null (a 2xx with no body) leaves the event as the dialect built it. False
// if it is not an object, or `into` cannot be placed.
bool place_stored(Json& data, const std::string& into, Json&& stored) {
  if (stored.is_null()) return true;
  if (!stored.is_object()) return false;
  if (into.empty()) {
    data = std::move(stored);
    return true;
  }
  try {
    data[Json::json_pointer(into)] = std::move(stored);
    return true;
  } catch (const Json::exception&) {
    return false;  // a parent on the way is not an object
  }
}

// What must be published once the message is stored, copied out of the
// session (the answer may come after the socket is gone). Any thread.
struct AfterStore {
  Services* services;
  const Adapter* adapter;   // the app's: lives as long as the gateway, its sender_field() is pure
  std::string in_subject;   // gw.in.<app>.<kind>.<room>
  std::string envelope;     // its body
  std::string id;           // the envelope's id, its Nats-Msg-Id (JetStream drops duplicates)
  std::string out_subject;  // gw.out.<app>.<room>
  RoomKey room;
  std::optional<Event> fanout;  // as the dialect built it, its sender the profile's
  std::string into;             // persist.<kind>.into
  bool backend_fans_out;        // persist.<kind>.fan_out: "backend"
  Json sender;                  // the sender's profile (session_sender.cpp)

  // The envelope on gw.in, for a store that was not itself on NATS.
  void announce() const {
    services->outbox->publish(*services->no_echo_bus, in_subject, envelope, {{"Nats-Msg-Id", id}});
  }
  // The stored message placed into the fanned-out event (at `into`), with
  // the sender fields the store left out. `placed` false: the message is
  // not an object, or cannot go at `into`.
  std::optional<Event> event(Json message, bool& placed) const {
    placed = true;
    if (!fanout) return std::nullopt;
    Event e = *fanout;
    if (!(placed = place_stored(e.data, into, std::move(message)))) return std::nullopt;
    fill_sender(*adapter, e, sender);
    return e;
  }
  // `event` on gw.out (the gateway's own sockets hear it through the main
  // connection's echo), unless the store publishes it itself.
  void fan_out(const Event& event) const {
    if (backend_fans_out) return;  // a second copy would be a duplicate
    services->outbox->publish(*services->bus, out_subject, serialize_event(event));
  }
};

// A stored message's event, published exactly once: by the sender's loop
// (which knows whether the sender is draining and takes it directly), or,
// if the sender is gone before that runs, when the last copy is dropped.
struct StoredEvent {
  std::shared_ptr<const AfterStore> after;
  std::optional<Event> event;
  bus::Outbox::Pending pending;  // a drain waits for it
  StoredEvent(std::shared_ptr<const AfterStore> a, std::optional<Event> e, bus::Outbox::Pending p)
      : after(std::move(a)), event(std::move(e)), pending(std::move(p)) {}
  StoredEvent(const StoredEvent&) = delete;
  StoredEvent& operator=(const StoredEvent&) = delete;
  ~StoredEvent() {
    if (event) after->fan_out(*event);
  }
};

}  // namespace

void Session::store_then_fan_out(Action&& action, Json sender) {
  auto spec_it = app_.config.persist.find(action.kind);
  if (spec_it == app_.config.persist.end())
    return send_error({ErrorCode::store_failed, "storing " + action.kind + " is not configured", "",
                       action.request_event});
  if (draining()) return send_error(restarting(action.request_event));
  if (stores_in_flight_ == UINT16_MAX)
    return send_error({ErrorCode::unavailable, "too many messages are waiting to be stored, slow down", "",
                       action.request_event});
  const PersistSpec& spec = spec_it->second;
  // The sender the dialect built knows only the principal: the profile's
  // stands unless the store answers its own (added to, not replaced, then).
  if (action.fanout) fill_sender(*app_.adapter, *action.fanout, sender, /*overwrite=*/true);
  auto id = new_uuid();
  Json env = envelope(action, info_, services_.gateway_id, id);
  auto after = std::make_shared<const AfterStore>(
      AfterStore{&services_, app_.adapter.get(), services_.subjects.inbound(info_.app, action.kind, action.room),
                 env.dump(), id, services_.subjects.outbound(info_.app, action.room), action.room, action.fanout,
                 spec.into, spec.backend_fans_out, std::move(sender)});

  // The sender's side, on its loop while it is connected: the reply, or the error.
  const Loopback sender_loop(peer_, false);
  // Each ends the store for the session (store_settled: a drain waiting for
  // its acknowledgement closes the socket once it is sent).
  auto failed = [this, sender_loop, request = action.request_event](std::string detail,
                                                                     ErrorCode code = ErrorCode::store_failed) {
    sender_loop.post([this, request, detail = std::move(detail), code] {
      send_error({code, detail, "", request});
      store_settled();
    });
  };
  // Held by the answer's handler: a drain waits for it (Outbox::pending).
  auto stored = [this, sender_loop, after, failed, reply = std::move(action.reply),
                 pending = services_.outbox->pending()](Json message) {
    bool placed = true;
    auto event = after->event(std::move(message), placed);
    if (!placed) return failed("the store answered no message");
    auto out = std::make_shared<StoredEvent>(after, std::move(event), pending);
    sender_loop.post([this, reply, out, room = after->room] {
      if (out->event) {
        if (draining() && !out->after->backend_fans_out) keep_for_me(*out->event, room);
        out->after->fan_out(*out->event);
        out->event.reset();
      }
      peer_.send_text(reply);
      store_settled();
    });
  };
  ++stores_in_flight_;
  waiting_ = true;  // until store_settled(): the socket's next actions wait for this one's answer

  switch (spec.via) {
    case PersistSpec::Via::jetstream: {
      // The event the dialect would fan out (winkr's carries its sender), with the store's id.
      const Json& base = action.fanout ? action.fanout->data : action.data;
      Json message = base.is_object() ? base : Json::object();
      message["id"] = id;
      message["created_at"] = env["received_at"];
      services_.no_echo_bus->publish_durable(
          after->in_subject, after->envelope, id, spec.timeout,
          [stored, failed, message = std::move(message)](bus::BusError e) mutable {
            if (e != bus::BusError::ok) return failed("the message was not stored (" + std::string(to_string(e)) + ")");
            stored(std::move(message));
          });
      return;
    }
    case PersistSpec::Via::request: {
      services_.no_echo_bus->request(
          spec.subject.empty() ? after->in_subject : spec.subject, after->envelope, spec.timeout,
          [stored, failed](bus::BusError e, std::string&& reply) {
            if (e == bus::BusError::rejected && reply == "404")
              return failed("the conversation or message does not exist", ErrorCode::store_not_found);
            if (e == bus::BusError::rejected) return failed("the store refused the message (" + reply.substr(0, 8) + ")");
            if (e != bus::BusError::ok) return failed("the message was not stored (" + std::string(to_string(e)) + ")");
            stored(parse_json(reply));
          });
      return;
    }
    case PersistSpec::Via::http: {
      // The template reads the frame, the data and the envelope while the
      // request is built, before call() returns.
      const StoreValues values{&action.frame, &action.data, &env};
      backend::CalloutRequest request;
      const auto* callout = callout_request({spec.callout, {}}, &values, request);
      if (!callout) return failed("the store is not configured", ErrorCode::unavailable);  // --check-config refuses it
      app_.callouts->call(*callout, std::move(request),
                          [stored, failed, after, callout, metrics = services_.metrics, app = info_.app,
                           name = spec.callout, asked = std::chrono::steady_clock::now()](backend::CalloutResult r) {
                            metrics->callout(app, name, to_string(r.outcome), std::chrono::steady_clock::now() - asked);
                            auto answer = backend::store_answer(*callout, r);
                            if (!answer) return failed(answer.error().detail, answer.error().code);
                            after->announce();  // other systems still see every accepted frame on gw.in
                            stored(std::move(*answer));
                          });
      return;
    }
  }
}

}  // namespace gangway
