#include "gateway/bus/nats_bus.hpp"

#include <climits>
#include <cstdlib>
#include <utility>

#include "gateway/bus/nats_internal.hpp"
#include "gateway/bus/subject_match.hpp"

namespace gangway::bus {
namespace {

// How long teardown waits for nats.c to stop calling into the bus.
constexpr auto kCloseWait = std::chrono::seconds(10);

// Owned by nats.c from subscribe until the on-complete callback, which runs
// after the handler's last run: that is what lets a Subscription die while
// its handler is still running on the delivery thread.
struct SubClosure {
  Handler handler;
};

void on_sub_msg(natsConnection*, natsSubscription*, natsMsg* m, void* closure) {
  Message msg = to_message(m);
  natsMsg_Destroy(m);
  // An exception must not unwind through nats.c's thread.
  try {
    static_cast<SubClosure*>(closure)->handler(std::move(msg));
  } catch (...) {
  }
}

void on_sub_complete(void* closure) { delete static_cast<SubClosure*>(closure); }

class NatsSubscription final : public Subscription {
 public:
  NatsSubscription(natsSubscription* sub, std::shared_ptr<SubRegistry> registry)
      : sub_(sub), registry_(std::move(registry)) {}

  ~NatsSubscription() override {
    registry_->retire(sub_);
    // Both are safe from the subscription's own handler and after the bus
    // closed the connection (nats.c keeps the connection alive for the sub).
    natsSubscription_Unsubscribe(sub_);
    natsSubscription_Destroy(sub_);
  }

 private:
  natsSubscription* sub_;
  std::shared_ptr<SubRegistry> registry_;
};

}  // namespace

std::uint64_t SubRegistry::total_dropped() const {
  std::lock_guard lk(mu);
  std::uint64_t total = retired_dropped;
  for (natsSubscription* s : live) {
    int64_t n = 0;
    if (natsSubscription_GetDropped(s, &n) == NATS_OK && n > 0) total += static_cast<std::uint64_t>(n);
  }
  return total;
}

void SubRegistry::retire(natsSubscription* sub) {
  std::lock_guard lk(mu);
  int64_t n = 0;
  // Drops after this read are not counted; the sub is going away anyway.
  if (natsSubscription_GetDropped(sub, &n) == NATS_OK && n > 0) retired_dropped += static_cast<std::uint64_t>(n);
  live.erase(sub);
}

BusError to_bus_error(natsStatus s, jsErrCode jerr) {
  switch (s) {
    case NATS_OK: return BusError::ok;
    case NATS_TIMEOUT: return BusError::timeout;
    case NATS_NO_RESPONDERS: return BusError::no_responders;
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_NOT_YET_CONNECTED:
    case NATS_NO_SERVER: return BusError::not_connected;
    case NATS_ERR: return jerr != 0 ? BusError::rejected : BusError::failed;
    default: return BusError::failed;
  }
}

Message to_message(natsMsg* m) {
  Message out;
  out.subject = natsMsg_GetSubject(m);
  if (const char* reply = natsMsg_GetReply(m)) out.reply = reply;
  if (const char* data = natsMsg_GetData(m)) out.data.assign(data, static_cast<std::size_t>(natsMsg_GetDataLength(m)));
  const char** keys = nullptr;
  int nkeys = 0;
  if (natsMsgHeader_Keys(m, &keys, &nkeys) == NATS_OK) {
    for (int i = 0; i < nkeys; ++i) {
      const char** values = nullptr;
      int nvalues = 0;
      if (natsMsgHeader_Values(m, keys[i], &values, &nvalues) != NATS_OK) continue;
      for (int j = 0; j < nvalues; ++j) out.headers.emplace_back(keys[i], values[j]);
      std::free(static_cast<void*>(values));  // nats.c: the arrays are ours, the strings are not
    }
    std::free(static_cast<void*>(keys));
  }
  return out;
}

void NatsBus::Impl::notify_state(bool up) {
  std::function<void(bool)> fn;
  {
    std::lock_guard lk(mu);
    if (last_up == up) return;
    last_up = up;
    fn = state_fn;
  }
  if (fn) {
    try {
      fn(up);
    } catch (...) {
    }
  }
}

NatsBus::Impl::~Impl() {
  if (nc) {
    natsConnection_Close(nc);  // ends reconnects, closes every subscription
    std::unique_lock lk(mu);
    cv.wait_for(lk, kCloseWait, [&] { return closed && (!replies || replies_done); });
  }
  dispatcher.stop(BusError::not_connected);
  for (auto& [name, store] : kv) kvStore_Destroy(store);
  natsSubscription_Destroy(replies);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  natsOptions_Destroy(nopts);
}

NatsBus::NatsBus(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

NatsBus::~NatsBus() = default;

std::unique_ptr<Subscription> NatsBus::subscribe(const std::string& subject, Handler handler) {
  if (!is_valid_pattern(subject) || !handler) return nullptr;
  auto* closure = new SubClosure{std::move(handler)};
  natsSubscription* sub = nullptr;
  natsStatus s = natsConnection_Subscribe(&sub, impl_->nc, subject.c_str(), on_sub_msg, closure);
  if (s != NATS_OK) {
    delete closure;  // never registered: no callback can run
    return nullptr;
  }
  s = natsSubscription_SetOnCompleteCB(sub, on_sub_complete, closure);
  if (s != NATS_OK) {
    // Already closed (the connection closed meanwhile): a delivery might still
    // be running, so the closure is leaked rather than freed under it.
    natsSubscription_Destroy(sub);
    return nullptr;
  }
  natsSubscription_SetPendingLimits(sub, impl_->opts.pending_msgs_limit, impl_->opts.pending_bytes_limit);
  {
    std::lock_guard lk(impl_->subs->mu);
    impl_->subs->live.insert(sub);
  }
  return std::make_unique<NatsSubscription>(sub, impl_->subs);
}

BusError NatsBus::publish(const std::string& subject, std::string_view data, const Headers& headers) {
  if (!is_valid_subject(subject) || data.size() > static_cast<std::size_t>(INT_MAX)) return BusError::failed;
  if (!impl_->connected()) return BusError::not_connected;
  natsStatus s = NATS_OK;
  if (headers.empty()) {
    s = natsConnection_Publish(impl_->nc, subject.c_str(), data.data(), static_cast<int>(data.size()));
  } else {
    natsMsg* m = nullptr;
    s = natsMsg_Create(&m, subject.c_str(), nullptr, data.data(), static_cast<int>(data.size()));
    for (std::size_t i = 0; s == NATS_OK && i < headers.size(); ++i) {
      s = natsMsgHeader_Add(m, headers[i].first.c_str(), headers[i].second.c_str());
    }
    if (s == NATS_OK) s = natsConnection_PublishMsg(impl_->nc, m);
    natsMsg_Destroy(m);
  }
  return to_bus_error(s);
}

bool NatsBus::connected() const { return impl_->connected(); }


void NatsBus::on_state_change(std::function<void(bool connected)> fn) {
  std::lock_guard lk(impl_->mu);
  impl_->state_fn = std::move(fn);
}

std::uint64_t NatsBus::slow_consumer_events() const {
  return impl_->slow_consumer_events.load(std::memory_order_relaxed);
}

std::uint64_t NatsBus::dropped_messages() const { return impl_->subs->total_dropped(); }

std::uint64_t NatsBus::reconnects() const {
  natsStatistics* stats = nullptr;
  std::uint64_t n = 0;
  if (natsStatistics_Create(&stats) != NATS_OK) return 0;
  if (natsConnection_GetStats(impl_->nc, stats) == NATS_OK)
    natsStatistics_GetCounts(stats, nullptr, nullptr, nullptr, nullptr, &n);
  natsStatistics_Destroy(stats);
  return n;
}

}  // namespace gangway::bus
