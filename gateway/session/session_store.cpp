// Persisted kinds: stored (JetStream, NATS request/reply or an HTTP callout)
// before they are fanned out; the sender hears of a failure, never silence.
#include <memory>

#include "gateway/backend/store_answer.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/json_parse.hpp"
#include "gateway/session/envelope.hpp"
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

}  // namespace

void Session::store_then_fan_out(Action&& action, Json sender) {
  auto spec_it = app_.config.persist.find(action.kind);
  if (spec_it == app_.config.persist.end())
    return send_error({ErrorCode::store_failed, "storing " + action.kind + " is not configured", "",
                       action.request_event});
  const PersistSpec& spec = spec_it->second;
  auto a = std::make_shared<Action>(std::move(action));
  // The sender the dialect built knows only the principal: the profile's
  // stands unless the store answers its own (added to below, not replaced).
  if (a->fanout) fill_sender(*a->fanout, sender, /*overwrite=*/true);
  auto id = new_uuid();
  Json env = envelope(*a, info_, services_.gateway_id, id);
  auto subject = services_.subjects.inbound(info_.app, a->kind, a->room);
  auto failed = [this, a](std::string detail, ErrorCode code = ErrorCode::store_failed) {
    send_error({code, std::move(detail), "", a->request_event});
  };
  // The stored message becomes the fanned-out event's data (or its part at `into`).
  auto stored = [this, a, failed, ps = &spec, sender = std::move(sender)](Json message) {
    if (a->fanout) {
      if (!place_stored(a->fanout->data, ps->into, std::move(message))) return failed("the store answered no message");
      fill_sender(*a->fanout, sender);
      if (ps->backend_fans_out) a->fanout.reset();  // the store published it: a second copy would be a duplicate
    }
    fan_out(*a);
  };
  const Loopback loop(peer_, false);

  switch (spec.via) {
    case PersistSpec::Via::jetstream: {
      // The event the dialect would fan out (winkr's carries its sender), with the store's id.
      const Json& base = a->fanout ? a->fanout->data : a->data;
      Json message = base.is_object() ? base : Json::object();
      message["id"] = id;
      message["created_at"] = env["received_at"];
      services_.no_echo_bus->publish_durable(
          subject, env.dump(), id, spec.timeout,
          [loop, stored, failed, message = std::move(message)](bus::BusError e) mutable {
            loop.post([e, stored, failed, message = std::move(message)]() mutable {
              if (e != bus::BusError::ok) return failed("the message was not stored (" + std::string(to_string(e)) + ")");
              stored(std::move(message));
            });
          });
      return;
    }
    case PersistSpec::Via::request: {
      services_.no_echo_bus->request(
          spec.subject.empty() ? subject : spec.subject, env.dump(), spec.timeout,
          [loop, stored, failed](bus::BusError e, std::string&& reply) {
            loop.post([e, reply = std::move(reply), stored, failed] {
              if (e == bus::BusError::rejected && reply == "404")
                return failed("the conversation or message does not exist", ErrorCode::store_not_found);
              if (e == bus::BusError::rejected) return failed("the store refused the message (" + reply.substr(0, 8) + ")");
              if (e != bus::BusError::ok) return failed("the message was not stored (" + std::string(to_string(e)) + ")");
              stored(parse_json(reply));
            });
          });
      return;
    }
    case PersistSpec::Via::http: {
      // The template builds the request (request_template.hpp); the answer
      // is mapped to the stored object or the dialect's error (store_answer.hpp).
      const backend::CalloutSpec* callout = nullptr;
      if (auto it = app_.config.callouts.find(spec.callout); it != app_.config.callouts.end()) callout = &it->second;
      const StoreValues values{&a->frame, &a->data, &env};
      call({spec.callout, {}},
           [this, stored, failed, subject, env, id, callout](backend::CalloutResult r) {
             if (!callout) return failed("the store is not configured", ErrorCode::unavailable);  // --check-config refuses it
             auto answer = backend::store_answer(*callout, r);
             if (!answer) return failed(answer.error().detail, answer.error().code);
             // Other systems still see every accepted frame on gw.in.
             services_.no_echo_bus->publish(subject, env.dump(), {{"Nats-Msg-Id", id}});
             stored(std::move(*answer));
           },
           &values, /*cancellable=*/false);
      return;
    }
  }
}

}  // namespace gangway
