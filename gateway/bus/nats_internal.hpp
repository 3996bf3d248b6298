#pragma once
// NatsBus internals shared by its .cpp files (nats_connect.cpp: options,
// connecting, connection callbacks; nats_security.cpp: authentication and
// TLS; nats_bus.cpp: pub/sub; nats_request.cpp: request and JetStream
// publish; nats_jetstream.cpp: streams and key-value). Not part of the public
// API: includes nats.c.
#include <nats/nats.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "gateway/bus/dispatcher.hpp"
#include "gateway/bus/nats_creds.hpp"
#include "gateway/bus/nats_bus.hpp"

namespace gangway::bus {

// Live subscriptions, so dropped_messages() can sum nats.c's per-subscription
// counters. Shared with each subscription, which may outlive the bus.
struct SubRegistry {
  mutable std::mutex mu;
  std::unordered_set<natsSubscription*> live;
  std::uint64_t retired_dropped = 0;  // from subscriptions already gone

  std::uint64_t total_dropped() const;
  void retire(natsSubscription* sub);  // counts its drops, forgets it
};

struct NatsBus::Impl {
  NatsOptions opts;
  natsOptions* nopts = nullptr;
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;

  // Request/reply: one wildcard subscription on `<inbox>.*`, replies matched
  // to requests by the last token (a Dispatcher token).
  std::string inbox;
  natsSubscription* replies = nullptr;
  Dispatcher dispatcher;

  NatsCreds creds;  // from nats.auth.credentials (an environment variable), for nats.c's callbacks

  std::shared_ptr<SubRegistry> subs = std::make_shared<SubRegistry>();
  std::atomic<std::uint64_t> slow_consumer_events{0};

  std::mutex mu;  // guards the fields below
  std::condition_variable cv;
  std::function<void(bool)> state_fn;
  std::optional<bool> last_up;  // last state reported, so a close (disconnected, then closed) reports once
  bool closed = false;          // nats.c's closed callback ran
  bool replies_done = false;    // the reply subscription's last callback returned
  natsStatus first_failure = NATS_OK;  // why the first connect attempt failed, if it did

  // Separate from `mu`: binding a bucket blocks on a round trip, and `mu` is
  // also taken on nats.c's (library-wide) callback thread.
  std::mutex kv_mu;
  std::map<std::string, kvStore*> kv;  // bound buckets, guarded by kv_mu

  ~Impl();  // tears down in the order nats.c needs
  natsStatus set_options();  // nopts from opts (nats_bus.cpp)
  // The first connect: NATS_OK also when nats.c goes on retrying in the
  // background; a server's refusal returns its status with `refusal` set.
  natsStatus connect(std::string* refusal);
  bool connected() const { return nc && natsConnection_Status(nc) == NATS_CONN_STATUS_CONNECTED; }
  void notify_state(bool up);
  BusError start_request(const std::string& subject, std::string_view data, const char* msg_id,
                         std::chrono::milliseconds timeout, Dispatcher::Done done);
  kvStore* bucket(const std::string& name, BusError* error);
};

// Maps a nats.c status (and JetStream error code, if any) to a BusError.
BusError to_bus_error(natsStatus s, jsErrCode jerr = static_cast<jsErrCode>(0));

// Copies subject, reply, data and headers out of `m` (which the caller still owns).
Message to_message(natsMsg* m);

// Sets impl.opts' authentication and TLS on impl.nopts (nats_security.cpp);
// security_problems() must have found nothing wrong with them.
natsStatus apply_security(NatsBus::Impl& impl);

// Creates the `<inbox>.*` subscription that receives every reply and PubAck.
natsStatus subscribe_reply_inbox(NatsBus::Impl& impl);

}  // namespace gangway::bus
