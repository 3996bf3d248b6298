#pragma once
// The message bus the gateway talks to: NATS in production (NatsBus), an
// in-process implementation for a single node and for unit tests (LocalBus).
// No nats.c types appear here.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace gangway::bus {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Message {
  std::string subject;
  std::string data;
  std::string reply;  // empty unless the sender expects a reply
  Headers headers;
};

// Called on a bus thread (never a gateway loop). Must not block for long.
using Handler = std::function<void(Message&&)>;

enum class BusError {
  ok = 0,
  not_connected,  // the connection is down (publishes are refused, not buffered silently)
  timeout,        // no reply / no ack in time
  no_responders,  // nobody subscribes to a request subject
  rejected,       // JetStream refused (no stream for the subject, ...)
  failed,         // anything else
};
std::string_view to_string(BusError e);

// Unsubscribes when destroyed, from any thread (even inside a handler). As in
// nats.c, the handler may still run once more, concurrently, after the
// destructor returns; the handler object (and what it captures, e.g. a
// shared_ptr) is destroyed only after its last run. So capture shared or
// weak pointers, never raw ones to state that dies with the Subscription.
class Subscription {
 public:
  virtual ~Subscription() = default;
};

class Bus {
 public:
  virtual ~Bus() = default;

  // Subscribes to a subject (wildcards allowed). nullptr if the bus refuses.
  virtual std::unique_ptr<Subscription> subscribe(const std::string& subject, Handler handler) = 0;

  // Fire-and-forget publish; BusError::not_connected while the bus is down.
  virtual BusError publish(const std::string& subject, std::string_view data, const Headers& headers = {}) = 0;

  // Request/reply. `done` runs exactly once on a bus thread with the reply
  // body or the error. A reply carrying NATS services' error header
  // `Nats-Service-Error-Code` (a worker's refusal) completes with `rejected`
  // and that code ("404", "500", ...) as the body.
  using ReplyFn = std::function<void(BusError, std::string&& reply)>;
  virtual void request(const std::string& subject, std::string_view data, std::chrono::milliseconds timeout,
                       ReplyFn done) = 0;

  // JetStream publish with `Nats-Msg-Id: msg_id` (duplicates dropped by the
  // stream); `done` runs exactly once with ok only after the stream's ack.
  using AckFn = std::function<void(BusError)>;
  virtual void publish_durable(const std::string& subject, std::string_view data, const std::string& msg_id,
                               std::chrono::milliseconds timeout, AckFn done) = 0;

  // `done` runs exactly once on a bus thread: ok once the server has handled
  // everything this bus sent before the call, subscriptions included. A
  // subscribe() followed by flush() therefore catches every publish the server
  // handles after `done(ok)` (on one server; a cluster spreads interest
  // asynchronously). Never blocks the caller.
  virtual void flush(std::chrono::milliseconds timeout, AckFn done) = 0;

  // True while connected to the server (LocalBus: always).
  virtual bool connected() const = 0;

  // Called on a bus thread whenever the connection state changes.
  virtual void on_state_change(std::function<void(bool connected)> fn) = 0;
};

}  // namespace gangway::bus
