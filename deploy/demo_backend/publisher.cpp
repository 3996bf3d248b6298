#include "deploy/demo_backend/publisher.hpp"

#include <nats/nats.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace demo {

namespace {

// How long a publish may wait for the server's PONG before it counts as failed.
constexpr int64_t kFlushTimeoutMs = 2000;

void on_connected(natsConnection*, void*) { std::fprintf(stderr, "demo backend: NATS connected\n"); }
void on_disconnected(natsConnection*, void*) { std::fprintf(stderr, "demo backend: NATS disconnected\n"); }
void on_reconnected(natsConnection*, void*) { std::fprintf(stderr, "demo backend: NATS reconnected\n"); }

void check(natsStatus s, const char* what) {
  if (s != NATS_OK) throw std::runtime_error(std::string(what) + ": " + natsStatus_GetText(s));
}

// nats.c hands this to the subscription's callback; lives as long as the publisher.
struct Served {
  natsConnection* conn;
  NatsPublisher::Handler handle;
};

void on_request(natsConnection*, natsSubscription*, natsMsg* m, void* closure) {
  auto* served = static_cast<Served*>(closure);
  const char* reply_to = natsMsg_GetReply(m);
  if (reply_to && *reply_to) {
    HttpReply r = served->handle(std::string_view(natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m))));
    std::string body = r.body.dump(-1, ' ', false, gangway::Json::error_handler_t::replace);
    natsMsg* reply = nullptr;
    if (natsMsg_Create(&reply, reply_to, nullptr, body.data(), static_cast<int>(body.size())) == NATS_OK) {
      if (r.status < 200 || r.status > 299) {
        natsMsgHeader_Set(reply, "Nats-Service-Error", r.body.value("detail", "refused").c_str());
        natsMsgHeader_Set(reply, "Nats-Service-Error-Code", std::to_string(r.status).c_str());
      }
      natsConnection_PublishMsg(served->conn, reply);
      natsMsg_Destroy(reply);
    }
  }
  natsMsg_Destroy(m);
}

}  // namespace

struct NatsPublisher::Impl {
  natsOptions* opts = nullptr;
  natsConnection* conn = nullptr;
  std::vector<std::unique_ptr<Served>> served;
  std::vector<natsSubscription*> subs;
  ~Impl() {
    for (auto* s : subs) natsSubscription_Unsubscribe(s);
    if (conn) {
      natsConnection_Close(conn);
      for (auto* s : subs) natsSubscription_Destroy(s);
      natsConnection_Destroy(conn);
    }
    if (opts) natsOptions_Destroy(opts);
  }
};

NatsPublisher::NatsPublisher(const std::string& url) : impl_(std::make_unique<Impl>()) {
  check(natsOptions_Create(&impl_->opts), "natsOptions_Create");
  natsOptions* o = impl_->opts;
  check(natsOptions_SetURL(o, url.c_str()), "NATS URL");
  check(natsOptions_SetName(o, "gangway-demo-backend"), "natsOptions_SetName");
  check(natsOptions_SetMaxReconnect(o, -1), "natsOptions_SetMaxReconnect");  // forever
  check(natsOptions_SetReconnectWait(o, 500), "natsOptions_SetReconnectWait");
  check(natsOptions_SetDisconnectedCB(o, on_disconnected, nullptr), "natsOptions_SetDisconnectedCB");
  check(natsOptions_SetReconnectedCB(o, on_reconnected, nullptr), "natsOptions_SetReconnectedCB");
  // With a connected callback, Connect returns NATS_NOT_YET_CONNECTED instead
  // of blocking when the server is not there yet, and keeps trying.
  check(natsOptions_SetRetryOnFailedConnect(o, true, on_connected, nullptr),
        "natsOptions_SetRetryOnFailedConnect");
  natsStatus s = natsConnection_Connect(&impl_->conn, o);
  if (s == NATS_OK) {
    on_connected(impl_->conn, nullptr);
  } else if (s == NATS_NOT_YET_CONNECTED) {
    std::fprintf(stderr, "demo backend: NATS at %s not reachable yet, retrying in the background\n",
                 url.c_str());
  } else {
    check(s, "natsConnection_Connect");
  }
}

NatsPublisher::~NatsPublisher() = default;

bool NatsPublisher::connected() const {
  return impl_->conn && natsConnection_Status(impl_->conn) == NATS_CONN_STATUS_CONNECTED;
}

void NatsPublisher::serve(const std::string& subject, const std::string& queue, Handler handle) {
  auto served = std::make_unique<Served>(Served{impl_->conn, std::move(handle)});
  natsSubscription* sub = nullptr;
  // Works before the connection is up too: nats.c sends the interest on connect.
  check(natsConnection_QueueSubscribe(&sub, impl_->conn, subject.c_str(), queue.c_str(), on_request, served.get()),
        "natsConnection_QueueSubscribe");
  impl_->subs.push_back(sub);
  impl_->served.push_back(std::move(served));
}

void NatsPublisher::stop_serving() {
  for (auto* sub : impl_->subs) {
    // Drain lets a request already delivered finish; if the connection cannot
    // drain (closed, never connected), no handler is running either.
    if (natsSubscription_Drain(sub) == NATS_OK) natsSubscription_WaitForDrainCompletion(sub, 2000);
    else natsSubscription_Unsubscribe(sub);
  }
}

bool NatsPublisher::publish(const std::string& subject, const std::string& body) {
  // nats.c would accept a publish while reconnecting (into its reconnect
  // buffer) and report success; refuse instead, so a 201 means "on the server".
  if (!connected()) return false;
  natsStatus s =
      natsConnection_Publish(impl_->conn, subject.c_str(), body.data(), static_cast<int>(body.size()));
  if (s == NATS_OK) s = natsConnection_FlushTimeout(impl_->conn, kFlushTimeoutMs);
  if (s != NATS_OK) {
    std::fprintf(stderr, "demo backend: publish on %s failed: %s\n", subject.c_str(), natsStatus_GetText(s));
    return false;
  }
  return true;
}

}  // namespace demo
