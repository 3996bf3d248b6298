#pragma once
// An in-process Bus for a single node and for unit tests: no network, NATS
// subject semantics (`*`, `>`), and NATS-like asynchrony. Handlers and `done`
// callbacks run on one dispatcher thread owned by the bus, never inline in
// publish/request, so a handler may publish or unsubscribe without deadlock.
#include <memory>

#include "gateway/bus/bus.hpp"

namespace gangway::bus {

class LocalBus final : public Bus {
 public:
  LocalBus();
  // Stops the dispatcher: queued deliveries are dropped and outstanding
  // requests complete with not_connected. Subscriptions may outlive the bus.
  ~LocalBus() override;
  LocalBus(const LocalBus&) = delete;
  LocalBus& operator=(const LocalBus&) = delete;

  // nullptr for an invalid pattern (empty token, `>` not last, whitespace).
  std::unique_ptr<Subscription> subscribe(const std::string& subject, Handler handler) override;
  // failed for an invalid subject (wildcards, empty token); ok otherwise, even with no subscriber.
  BusError publish(const std::string& subject, std::string_view data, const Headers& headers = {}) override;
  // The reply subject is `_INBOX.local.<n>`; no_responders when nothing
  // subscribes to `subject`, timeout when nobody answers in time.
  void request(const std::string& subject, std::string_view data, std::chrono::milliseconds timeout,
               ReplyFn done) override;
  // A publish (with the Nats-Msg-Id header) acked with ok after its deliveries
  // are queued. No deduplication: nothing is stored.
  void publish_durable(const std::string& subject, std::string_view data, const std::string& msg_id,
                       std::chrono::milliseconds timeout, AckFn done) override;
  // Subscriptions take effect at once: ok, later on the dispatcher thread.
  void flush(std::chrono::milliseconds timeout, AckFn done) override;
  bool connected() const override { return true; }
  // Never called: the bus cannot disconnect.
  void on_state_change(std::function<void(bool connected)> fn) override;

  struct Core;  // local_bus.cpp

 private:
  std::shared_ptr<Core> core_;  // shared with subscriptions, which may outlive the bus
};

}  // namespace gangway::bus
