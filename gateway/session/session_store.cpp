// Persisted kinds: stored (JetStream, NATS request/reply or an HTTP callout)
// before they are fanned out; the sender hears of a failure, never silence.
#include <cstdint>
#include <memory>

#include "gateway/core/ids.hpp"
#include "gateway/core/json_parse.hpp"
#include "gateway/session/envelope.hpp"
#include "gateway/session/session.hpp"

namespace gangway {

void Session::store_then_fan_out(Action&& action) {
  auto spec_it = app_.config.persist.find(action.kind);
  if (spec_it == app_.config.persist.end())
    return send_error({ErrorCode::store_failed, "storing " + action.kind + " is not configured", "",
                       action.request_event});
  if (draining())
    return send_error({ErrorCode::unavailable, "the gateway is restarting: send it again once reconnected", "",
                       action.request_event});
  if (stores_in_flight_ == UINT16_MAX)
    return send_error({ErrorCode::unavailable, "too many messages are waiting to be stored, slow down", "",
                       action.request_event});
  const PersistSpec& spec = spec_it->second;
  auto a = std::make_shared<Action>(std::move(action));
  auto id = new_uuid();
  Json env = envelope(*a, info_, services_.gateway_id, id);
  auto subject = services_.subjects.inbound(info_.app, a->kind, a->room);
  auto failed = [this, a](std::string detail, ErrorCode code = ErrorCode::store_failed) {
    send_error({code, std::move(detail), "", a->request_event});
  };
  // The stored message becomes the fanned-out event's data.
  auto stored = [this, a, failed](Json message) {
    if (!message.is_object()) return failed("the store answered no message");
    if (a->fanout) a->fanout->data = std::move(message);
    fan_out(*a);
  };
  const Loopback loop(peer_, false);
  // Counted until its answer has been handled or dropped (the last copy of
  // the callbacks holding the ticket is gone): what the drain waits for.
  ++stores_in_flight_;
  services_.stores_in_flight.fetch_add(1, std::memory_order_relaxed);
  auto ticket = std::shared_ptr<void>(nullptr, [n = &services_.stores_in_flight](void*) {
    n->fetch_sub(1, std::memory_order_relaxed);
  });
  // On the loop, with the socket open: the answer, then the count.
  auto settle = [this, ticket](auto&& answer) {
    answer();
    store_settled();
  };

  switch (spec.via) {
    case PersistSpec::Via::jetstream: {
      // The event the dialect would fan out (winkr's carries its sender), with the store's id.
      const Json& base = a->fanout ? a->fanout->data : a->data;
      Json message = base.is_object() ? base : Json::object();
      message["id"] = id;
      message["created_at"] = env["received_at"];
      services_.no_echo_bus->publish_durable(
          subject, env.dump(), id, spec.timeout,
          [loop, stored, failed, settle, message = std::move(message)](bus::BusError e) mutable {
            loop.post([e, stored, failed, settle, message = std::move(message)]() mutable {
              settle([&] {
                if (e != bus::BusError::ok)
                  return failed("the message was not stored (" + std::string(to_string(e)) + ")");
                stored(std::move(message));
              });
            });
          });
      return;
    }
    case PersistSpec::Via::request: {
      services_.no_echo_bus->request(
          spec.subject.empty() ? subject : spec.subject, env.dump(), spec.timeout,
          [loop, stored, failed, settle](bus::BusError e, std::string&& reply) {
            loop.post([e, reply = std::move(reply), stored, failed, settle] {
              settle([&] {
                if (e == bus::BusError::rejected && reply == "404")
                  return failed("the conversation or message does not exist", ErrorCode::store_not_found);
                if (e == bus::BusError::rejected)
                  return failed("the store refused the message (" + reply.substr(0, 8) + ")");
                if (e != bus::BusError::ok)
                  return failed("the message was not stored (" + std::string(to_string(e)) + ")");
                stored(parse_json(reply));
              });
            });
          });
      return;
    }
    case PersistSpec::Via::http: {
      call({spec.callout, {}},
           [this, stored, failed, settle, subject, env, id](backend::CalloutResult r) {
             settle([&] {
               using Outcome = backend::CalloutResult::Outcome;
               if (r.outcome == Outcome::denied && r.status == 404)
                 return failed("the conversation or message does not exist", ErrorCode::store_not_found);
               if (!r.allowed())
                 return failed(r.outcome == Outcome::denied ? "the backend refused the message"
                                                            : "the backend is unavailable, the message was not stored");
               // Other systems still see every accepted frame on gw.in.
               services_.no_echo_bus->publish(subject, env.dump(), {{"Nats-Msg-Id", id}});
               stored(std::move(r.body));
             });
           },
           env, /*cancellable=*/false);
      return;
    }
  }
}

}  // namespace gangway
