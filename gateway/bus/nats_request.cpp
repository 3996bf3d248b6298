// Request/reply and JetStream publish over one shared reply subscription.
//
// Why not natsConnection_RequestMsg on a worker pool: it blocks a thread per
// request in flight, so a burst of slow callouts would exhaust the pool and
// queue everything behind it. Why not js_PublishMsgAsync: it has no
// per-message callback closure or deadline, and stalls the caller when too
// many acks are pending. Instead every request publishes with a reply subject
// `<inbox>.<token>` and a single `<inbox>.*` subscription (what nats.c does
// inside its blocking request) hands the reply to the Dispatcher, which owns
// the deadlines. A JetStream publish is exactly such a request: the stream
// answers with a PubAck, and the server answers "no responders" when no
// stream captures the subject.
#include <charconv>
#include <climits>
#include <utility>

#include <nlohmann/json.hpp>

#include "gateway/bus/nats_internal.hpp"
#include "gateway/bus/subject_match.hpp"
#include "gateway/core/json_parse.hpp"

namespace gangway::bus {
namespace {

void on_reply(natsConnection*, natsSubscription*, natsMsg* m, void* closure) {
  auto* impl = static_cast<NatsBus::Impl*>(closure);
  std::string_view subject = natsMsg_GetSubject(m);
  std::string_view token_text = subject.substr(subject.rfind('.') + 1);
  std::uint64_t token = 0;
  auto [end, ec] = std::from_chars(token_text.data(), token_text.data() + token_text.size(), token);
  if (ec == std::errc() && end == token_text.data() + token_text.size()) {
    BusError e = natsMsg_IsNoResponders(m) ? BusError::no_responders : BusError::ok;
    std::string body;
    if (const char* data = natsMsg_GetData(m)) body.assign(data, static_cast<std::size_t>(natsMsg_GetDataLength(m)));
    // A worker's refusal, as the NATS services (micro) protocol writes it.
    const char* code = nullptr;
    if (e == BusError::ok && natsMsgHeader_Get(m, "Nats-Service-Error-Code", &code) == NATS_OK && code) {
      e = BusError::rejected;
      body = code;
    }
    impl->dispatcher.complete(token, e, std::move(body));  // false for a late reply: dropped
  }
  natsMsg_Destroy(m);
}

void on_reply_complete(void* closure) {
  auto* impl = static_cast<NatsBus::Impl*>(closure);
  std::lock_guard lk(impl->mu);  // notify under the lock: see on_closed
  impl->replies_done = true;
  impl->cv.notify_all();
}

// {"stream":"S","seq":7[,"duplicate":true]} or {"error":{"code":…,"err_code":…,"description":…}}
BusError parse_pub_ack(const std::string& body) {
  auto j = parse_json(body);
  if (j.is_discarded() || !j.is_object()) return BusError::failed;
  if (j.contains("error")) return BusError::rejected;
  if (j.contains("stream") && j.contains("seq")) return BusError::ok;
  return BusError::failed;  // answered by something that is not a stream
}

}  // namespace

natsStatus subscribe_reply_inbox(NatsBus::Impl& impl) {
  std::string subject = impl.inbox + ".*";
  natsStatus s = natsConnection_Subscribe(&impl.replies, impl.nc, subject.c_str(), on_reply, &impl);
  if (s == NATS_OK) s = natsSubscription_SetOnCompleteCB(impl.replies, on_reply_complete, &impl);
  // Replies are small and awaited: never drop them as a slow consumer.
  if (s == NATS_OK) s = natsSubscription_SetPendingLimits(impl.replies, -1, -1);
  return s;
}

BusError NatsBus::Impl::start_request(const std::string& subject, std::string_view data, const char* msg_id,
                                      std::chrono::milliseconds timeout, Dispatcher::Done done) {
  // Registered before publishing: the reply may arrive before publish returns.
  std::uint64_t token = dispatcher.expect_reply(timeout, std::move(done));
  BusError refused = BusError::ok;
  if (!is_valid_subject(subject) || data.size() > static_cast<std::size_t>(INT_MAX)) {
    refused = BusError::failed;
  } else if (!connected()) {
    refused = BusError::not_connected;
  } else {
    std::string reply = inbox + "." + std::to_string(token);
    natsMsg* m = nullptr;
    natsStatus s = natsMsg_Create(&m, subject.c_str(), reply.c_str(), data.data(), static_cast<int>(data.size()));
    if (s == NATS_OK && msg_id && *msg_id) s = natsMsgHeader_Set(m, "Nats-Msg-Id", msg_id);
    if (s == NATS_OK) s = natsConnection_PublishMsg(nc, m);
    natsMsg_Destroy(m);
    refused = to_bus_error(s);
  }
  if (refused != BusError::ok) dispatcher.complete_later(token, refused);
  return refused;
}

void NatsBus::request(const std::string& subject, std::string_view data, std::chrono::milliseconds timeout,
                      ReplyFn done) {
  impl_->start_request(subject, data, nullptr, timeout, std::move(done));
}

void NatsBus::publish_durable(const std::string& subject, std::string_view data, const std::string& msg_id,
                              std::chrono::milliseconds timeout, AckFn done) {
  auto on_ack = [done = std::move(done)](BusError e, std::string&& body) {
    if (e == BusError::ok) {
      e = parse_pub_ack(body);
    } else if (e == BusError::no_responders) {
      e = BusError::rejected;  // no stream listens on the subject
    }
    done(e);
  };
  impl_->start_request(subject, data, msg_id.c_str(), timeout, std::move(on_ack));
}

void NatsBus::flush(std::chrono::milliseconds timeout, AckFn done) {
  auto ack = [done = std::move(done)](BusError e, std::string&&) { done(e); };
  std::uint64_t token = impl_->dispatcher.expect_reply(timeout, std::move(ack));
  if (!impl_->connected()) return impl_->dispatcher.complete_later(token, BusError::not_connected);
  // Comes back through the `<inbox>.*` subscription like any reply. Cheaper
  // than natsConnection_Flush, which blocks a thread on a PING round trip.
  std::string subject = impl_->inbox + "." + std::to_string(token);
  natsStatus s = natsConnection_Publish(impl_->nc, subject.c_str(), nullptr, 0);
  if (s != NATS_OK) impl_->dispatcher.complete_later(token, to_bus_error(s));
}

}  // namespace gangway::bus
