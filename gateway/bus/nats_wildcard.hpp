#pragma once
// NatsBus internals: subjects under a wildcard prefix (NatsOptions::
// wildcard_prefixes) share one nats.c subscription `<prefix>.*`; a message is
// handed to the handlers registered for its exact subject.
#include <nats/nats.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/bus/bus.hpp"

namespace gangway::bus {

class WildcardRouter : public std::enable_shared_from_this<WildcardRouter> {
 public:
  explicit WildcardRouter(std::vector<std::string> prefixes) : prefixes_(std::move(prefixes)) {}

  // The prefix that serves `subject` (its last token must be a plain token), or nullptr.
  const std::string* prefix_for(const std::string& subject) const;

  // Subscribes `<prefix>.*` for every prefix, once, when the bus is created
  // (then flushed), so a subject registered later is live at once.
  natsStatus subscribe_wildcards(natsConnection* nc, int pending_msgs, int pending_bytes);

  // Registers `handler` for `subject` (under a prefix already subscribed).
  std::unique_ptr<Subscription> subscribe(const std::string& subject, Handler handler);

  // On a nats.c delivery thread.
  void deliver(Message&& msg);

  // Only once nats.c is done with the wildcards (the connection closed:
  // their closures hold the router until then).
  ~WildcardRouter();

 private:
  class Registration;
  using Shared = std::shared_ptr<Handler>;
  void remove(const std::string& subject, const Handler* handler);

  const std::vector<std::string> prefixes_;
  std::mutex mu_;  // guards the fields below
  std::unordered_map<std::string, natsSubscription*> wildcards_;  // prefix -> its subscription
  std::unordered_multimap<std::string, Shared> handlers_;         // subject -> handlers
};

}  // namespace gangway::bus
