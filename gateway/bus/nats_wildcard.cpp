#include "gateway/bus/nats_wildcard.hpp"

#include "gateway/bus/nats_internal.hpp"

namespace gangway::bus {
namespace {

// The closure nats.c holds: the router stays alive until the subscription's
// last callback (on-complete), even if the bus has dropped it.
struct WildcardClosure {
  std::shared_ptr<WildcardRouter> router;
};

void on_wildcard_msg(natsConnection*, natsSubscription*, natsMsg* m, void* closure) {
  Message msg = to_message(m);
  natsMsg_Destroy(m);
  try {  // an exception must not unwind through nats.c's thread
    static_cast<WildcardClosure*>(closure)->router->deliver(std::move(msg));
  } catch (...) {
  }
}

void on_wildcard_complete(void* closure) { delete static_cast<WildcardClosure*>(closure); }

}  // namespace

// Removes its handler when destroyed. Like a nats.c subscription, the
// handler may still run once if a delivery had already picked it up.
class WildcardRouter::Registration final : public Subscription {
 public:
  Registration(std::shared_ptr<WildcardRouter> router, std::string subject, const Handler* handler)
      : router_(std::move(router)), subject_(std::move(subject)), handler_(handler) {}
  ~Registration() override { router_->remove(subject_, handler_); }
  bool needs_flush() const override { return false; }  // the wildcard was flushed at startup

 private:
  std::shared_ptr<WildcardRouter> router_;
  std::string subject_;
  const Handler* handler_;
};

const std::string* WildcardRouter::prefix_for(const std::string& subject) const {
  for (const auto& p : prefixes_) {
    if (subject.size() <= p.size() + 1 || subject.compare(0, p.size(), p) != 0 || subject[p.size()] != '.')
      continue;
    auto token = std::string_view(subject).substr(p.size() + 1);
    if (token.find_first_of(".*>") == std::string_view::npos) return &p;
  }
  return nullptr;
}

natsStatus WildcardRouter::subscribe_wildcards(natsConnection* nc, int pending_msgs, int pending_bytes) {
  std::lock_guard lk(mu_);
  for (const auto& prefix : prefixes_) {
    if (wildcards_.count(prefix)) continue;
    auto* closure = new WildcardClosure{shared_from_this()};
    natsSubscription* sub = nullptr;
    auto pattern = prefix + ".*";
    if (natsStatus s = natsConnection_Subscribe(&sub, nc, pattern.c_str(), on_wildcard_msg, closure); s != NATS_OK) {
      delete closure;  // never registered: no callback can run
      return s;
    }
    if (natsStatus s = natsSubscription_SetOnCompleteCB(sub, on_wildcard_complete, closure); s != NATS_OK) {
      natsSubscription_Destroy(sub);  // closed meanwhile; the closure is leaked rather than freed under a callback
      return s;
    }
    natsSubscription_SetPendingLimits(sub, pending_msgs, pending_bytes);
    wildcards_.emplace(prefix, sub);
  }
  return NATS_OK;
}

std::unique_ptr<Subscription> WildcardRouter::subscribe(const std::string& subject, Handler handler) {
  auto shared = std::make_shared<Handler>(std::move(handler));
  const Handler* id = shared.get();
  {
    std::lock_guard lk(mu_);
    handlers_.emplace(subject, std::move(shared));
  }
  return std::make_unique<Registration>(shared_from_this(), subject, id);
}

void WildcardRouter::deliver(Message&& msg) {
  Shared one;
  std::vector<Shared> more;
  {
    std::lock_guard lk(mu_);
    auto [first, last] = handlers_.equal_range(msg.subject);
    if (first == last) return;  // another gateway's room
    one = first->second;
    for (++first; first != last; ++first) more.push_back(first->second);
  }
  if (more.empty()) return (*one)(std::move(msg));
  for (auto& h : more) (*h)(Message(msg));
  (*one)(std::move(msg));
}

void WildcardRouter::remove(const std::string& subject, const Handler* handler) {
  Shared doomed;  // destroyed outside the lock
  std::lock_guard lk(mu_);
  auto [first, last] = handlers_.equal_range(subject);
  for (; first != last; ++first) {
    if (first->second.get() != handler) continue;
    doomed = std::move(first->second);
    handlers_.erase(first);
    return;
  }
}

WildcardRouter::~WildcardRouter() {
  for (auto& [prefix, sub] : wildcards_) natsSubscription_Destroy(sub);
}

}  // namespace gangway::bus
