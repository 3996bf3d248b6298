// NatsBus's connection: nats.c options from NatsOptions, the first connect
// (telling a refusal from an outage), the connection callbacks, and why the
// connection is down. Pub/sub is in nats_bus.cpp.
#include <string>

#include "gateway/bus/nats_bus.hpp"
#include "gateway/bus/nats_internal.hpp"
#include "gateway/bus/nats_url.hpp"

namespace gangway::bus {
namespace {

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

// Statuses of a server that answered but will not take the gateway as
// configured: retrying cannot help, so startup fails instead.
bool is_refusal(natsStatus s) {
  return s == NATS_CONNECTION_AUTH_FAILED || s == NATS_SSL_ERROR || s == NATS_SECURE_CONNECTION_WANTED ||
         s == NATS_SECURE_CONNECTION_REQUIRED;
}

// A TLS server that took the TCP connection and closed it during the
// handshake. Under TLS 1.3 that is how a server shows it does not accept the
// client certificate: it checks it after the client's side of the handshake
// is done. It may also be a server (or a load balancer with no server behind
// it) in trouble, an outage; but nats.c 3.4 gives a connection up for good
// when its first attempt fails after the TCP connect (it forgets the current
// server), so waiting would not help: refusing lets an orchestrator restart
// the gateway, which then tries again. Tried twice first.
// (Without TLS it is a server in trouble only, e.g. one at max_connections:
// left to nats.c, as before.)
bool closed_in_tls_handshake(natsStatus s, const NatsTls& tls) {
  return (tls.enabled || !tls.cert_file.empty()) && (s == NATS_IO_ERROR || s == NATS_PROTOCOL_ERROR);
}

// nats.c's last error for this thread, without its "(conn.c:1905): " origin.
std::string last_error_text(natsStatus s) {
  const char* last = nats_GetLastError(nullptr);
  std::string text = last && *last ? last : natsStatus_GetText(s);
  if (text.rfind("(", 0) == 0)
    if (auto end = text.find("): "); end != std::string::npos) text.erase(0, end + 3);
  return text;
}

std::string refusal_text(natsStatus s, const NatsOptions& o) {
  std::string url = redact_nats_url(o.url);
  // The server's own words: "Authorization Violation", "SSL handshake
  // error: … unable to get local issuer certificate …"
  std::string detail = last_error_text(s);
  switch (s) {
    case NATS_CONNECTION_AUTH_FAILED:
      return "NATS at " + url + " refused the gateway's " + method_name(o.auth.method) + " credentials: " + detail;
    case NATS_SECURE_CONNECTION_WANTED: return "NATS at " + url + " does not offer TLS, which nats.tls requires";
    case NATS_IO_ERROR:
    case NATS_PROTOCOL_ERROR:
      return "NATS at " + url + " closed the connection during the TLS handshake (" + detail +
             "): does it require a client certificate that nats.tls.cert_file does not give?";
    default: return "TLS with NATS at " + url + " failed: " + detail;
  }
}

// Words for a connection's last error (natsConnection_GetLastError's status).
std::string reason_of(natsStatus err, const NatsOptions& o) {
  switch (err) {
    case NATS_CONNECTION_AUTH_FAILED: return "authorization violation";
    case NATS_SSL_ERROR: return "TLS handshake failed";
    case NATS_SECURE_CONNECTION_WANTED: return "the server does not offer TLS";
    case NATS_SECURE_CONNECTION_REQUIRED: return "the server requires TLS";
    case NATS_OK:  // nats.c forgets a failed TCP connect
    case NATS_NO_SERVER:
    case NATS_TIMEOUT: return "cannot connect to " + redact_nats_url(o.url);
    case NATS_ERR: return "the server refused the connection";  // another -ERR: maximum connections, …
    case NATS_IO_ERROR:
    case NATS_PROTOCOL_ERROR: return "the server closed the connection during the handshake";
    default: return natsStatus_GetText(err);
  }
}

}  // namespace

natsStatus NatsBus::Impl::set_options() {
  natsStatus s = natsOptions_Create(&nopts);
  natsOptions* no = nopts;
  if (s == NATS_OK) s = natsOptions_SetURL(no, opts.url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(no, opts.name.c_str());
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(no, opts.max_reconnect);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(no, opts.reconnect_wait.count());
  if (s == NATS_OK) s = natsOptions_SetMaxPendingMsgs(no, opts.pending_msgs_limit);
  if (s == NATS_OK && opts.no_echo) s = natsOptions_SetNoEcho(no, true);
  // nats.c gives every async subscription its own thread by default; the
  // gateway holds one subscription per room, so that would be a thread per
  // room. A shared delivery pool keeps per-subscription order with few threads.
  if (s == NATS_OK) s = natsOptions_UseGlobalMessageDelivery(no, true);
  if (s == NATS_OK) s = natsOptions_SetErrorHandler(no, on_async_error, this);
  if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(no, on_disconnected, this);
  if (s == NATS_OK) s = natsOptions_SetReconnectedCB(no, on_connected, this);
  if (s == NATS_OK) s = natsOptions_SetClosedCB(no, on_closed, this);
  if (s == NATS_OK) s = apply_security(*this);
  return s;
}

natsStatus NatsBus::Impl::connect(std::string* refusal) {
  // One attempt without retrying first: with retry-on-failed-connect nats.c
  // returns "not yet connected" whatever went wrong, and an authorization
  // violation must stop startup where an unreachable server must not.
  natsStatus s = natsConnection_Connect(&nc, nopts);
  // nats.c 3.4 sends no signature when the nonce's signature starts with a
  // 0 byte (fixed upstream in 2024, nats.c #705): one connect in 256 with an
  // NKey or a .creds file is refused for nothing. A new connect signs a new
  // nonce, so a refusal must hold four times (a false one: 1 in 4·10⁹).
  bool signs = opts.auth.method == NatsAuth::Method::nkey || opts.auth.method == NatsAuth::Method::credentials;
  for (int i = 1; signs && i < 4 && s == NATS_CONNECTION_AUTH_FAILED; ++i) s = natsConnection_Connect(&nc, nopts);
  if (closed_in_tls_handshake(s, opts.tls)) s = natsConnection_Connect(&nc, nopts);  // twice: no restart race
  if (s == NATS_OK) return s;
  if (is_refusal(s) || closed_in_tls_handshake(s, opts.tls)) {
    *refusal = refusal_text(s, opts);
    return s;
  }
  natsStatus failed = s;
  // With a connected callback nats.c retries in the background instead of
  // looping inside natsConnection_Connect.
  s = natsOptions_SetRetryOnFailedConnect(nopts, true, on_connected, this);
  if (s == NATS_OK) s = natsConnection_Connect(&nc, nopts);
  if (s == NATS_NOT_YET_CONNECTED) {
    std::lock_guard lk(mu);
    first_failure = failed;
    return NATS_OK;
  }
  return s;
}

std::unique_ptr<NatsBus> NatsBus::create(const NatsOptions& o, std::string* error) {
  if (auto problem = security_problems(o.auth, o.tls, o.url); !problem.empty()) {
    if (error) *error = problem;
    return nullptr;
  }
  auto impl = std::make_unique<Impl>();
  impl->opts = o;
  Impl* raw = impl.get();
  natsStatus s = raw->set_options();
  if (s == NATS_OK) {
    natsInbox* inbox = nullptr;
    s = natsInbox_Create(&inbox);
    if (s == NATS_OK) raw->inbox = inbox;
    natsInbox_Destroy(inbox);
  }
  std::string refusal;
  if (s == NATS_OK) s = raw->connect(&refusal);
  if (s == NATS_OK) {
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = o.js_timeout.count();
    s = natsConnection_JetStream(&raw->js, raw->nc, &jo);
  }
  if (s == NATS_OK) s = subscribe_reply_inbox(*raw);
  if (s != NATS_OK) {
    if (error) *error = !refusal.empty() ? refusal : "NATS connect to " + redact_nats_url(o.url) + ": " + status_text(s);
    return nullptr;
  }
  return std::unique_ptr<NatsBus>(new NatsBus(std::move(impl)));
}

std::string NatsBus::why_not_connected() const {
  natsConnStatus st = natsConnection_Status(impl_->nc);
  if (st == NATS_CONN_STATUS_CONNECTED) return {};
  // Only the status: the text it points at is the connection's buffer, which
  // nats.c's threads rewrite, and it may quote the server.
  const char* unused = nullptr;
  natsStatus err = natsConnection_GetLastError(impl_->nc, &unused);
  if (st == NATS_CONN_STATUS_CLOSED && (err == NATS_OK || err == NATS_NO_SERVER)) {
    // nats.c 3.4 closes a connection whose first attempt failed after the
    // TCP connect and says only "no server": the first failure says more.
    std::lock_guard lk(impl_->mu);
    if (impl_->first_failure != NATS_OK) err = impl_->first_failure;
  }
  std::string why = reason_of(err, impl_->opts);
  // nats.c closes the connection for good after the same authentication
  // error twice in a row from a server, and see above.
  return why + (st == NATS_CONN_STATUS_CLOSED ? "; gave up (restart the gateway)" : ", retrying");
}

}  // namespace gangway::bus
