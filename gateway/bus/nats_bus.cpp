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

// Connection callbacks run on nats.c's callback thread; `closure` is the Impl,
// which teardown keeps alive until the closed callback has run.
NatsBus::Impl* impl_of(void* closure) { return static_cast<NatsBus::Impl*>(closure); }

void on_connected(natsConnection*, void* closure) { impl_of(closure)->notify_state(true); }

void on_disconnected(natsConnection*, void* closure) {
  auto* impl = impl_of(closure);
  // Replies to requests already sent are lost with the connection: fail them
  // now rather than at their timeouts.
  impl->dispatcher.fail_all(BusError::not_connected);
  impl->notify_state(false);
}

void on_closed(natsConnection*, void* closure) {
  auto* impl = impl_of(closure);
  impl->notify_state(false);
  // Notify under the lock: once the destructor sees `closed` it destroys the
  // condition variable, so it must not wake before we are done with it.
  std::lock_guard lk(impl->mu);
  impl->closed = true;
  impl->cv.notify_all();
}

void on_async_error(natsConnection*, natsSubscription*, natsStatus err, void* closure) {
  if (err == NATS_SLOW_CONSUMER) impl_of(closure)->slow_consumer_events.fetch_add(1, std::memory_order_relaxed);
}

std::string status_text(natsStatus s) {
  std::string out = natsStatus_GetText(s);
  if (const char* last = nats_GetLastError(nullptr); last && *last) out += std::string(" (") + last + ")";
  return out;
}

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

std::unique_ptr<NatsBus> NatsBus::create(const NatsOptions& o, std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->opts = o;
  Impl* raw = impl.get();
  natsStatus s = natsOptions_Create(&raw->nopts);
  natsOptions* no = raw->nopts;
  if (s == NATS_OK) s = natsOptions_SetURL(no, o.url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(no, o.name.c_str());
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(no, o.max_reconnect);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(no, o.reconnect_wait.count());
  if (s == NATS_OK) s = natsOptions_SetMaxPendingMsgs(no, o.pending_msgs_limit);
  if (s == NATS_OK && o.no_echo) s = natsOptions_SetNoEcho(no, true);
  // nats.c gives every async subscription its own thread by default; the
  // gateway holds one subscription per room, so that would be a thread per
  // room. A shared delivery pool keeps per-subscription order with few threads.
  if (s == NATS_OK) s = natsOptions_UseGlobalMessageDelivery(no, true);
  if (s == NATS_OK) s = natsOptions_SetErrorHandler(no, on_async_error, raw);
  if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(no, on_disconnected, raw);
  if (s == NATS_OK) s = natsOptions_SetReconnectedCB(no, on_connected, raw);
  if (s == NATS_OK) s = natsOptions_SetClosedCB(no, on_closed, raw);
  // With a connected callback nats.c retries in the background instead of
  // looping inside natsConnection_Connect.
  if (s == NATS_OK) s = natsOptions_SetRetryOnFailedConnect(no, true, on_connected, raw);
  if (s == NATS_OK) {
    natsInbox* inbox = nullptr;
    s = natsInbox_Create(&inbox);
    if (s == NATS_OK) raw->inbox = inbox;
    natsInbox_Destroy(inbox);
  }
  if (s == NATS_OK) {
    s = natsConnection_Connect(&raw->nc, no);
    if (s == NATS_NOT_YET_CONNECTED) s = NATS_OK;
  }
  if (s == NATS_OK) {
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = o.js_timeout.count();
    s = natsConnection_JetStream(&raw->js, raw->nc, &jo);
  }
  if (s == NATS_OK) s = subscribe_reply_inbox(*raw);
  if (s != NATS_OK) {
    if (error) *error = "NATS connect to " + o.url + ": " + status_text(s);
    return nullptr;
  }
  return std::unique_ptr<NatsBus>(new NatsBus(std::move(impl)));
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

}  // namespace gangway::bus
