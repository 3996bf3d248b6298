#pragma once
// The production Bus: a nats.c connection (no nats.c types in this header).
//
// Threads: subscription handlers run on nats.c's per-subscription delivery
// threads; request/publish_durable `done` callbacks run on the reply
// subscription's delivery thread or on the bus's dispatcher thread; state
// callbacks run on nats.c's connection-callback thread. None of them is a
// gateway loop, and none runs inline in the calling method.
//
// While the connection is down, publish() returns not_connected and
// request()/publish_durable() complete with not_connected, instead of letting
// nats.c buffer the bytes until a reconnect: the gateway must tell a client
// now that its frame did not go out, not deliver it minutes later. (A publish
// racing with a disconnect may still land in nats.c's reconnect buffer.)
//
// The stream and key-value methods block the caller on a JetStream API round
// trip (up to `js_timeout`): call them at startup or from a worker, never
// from a gateway loop.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/bus/bus.hpp"
#include "gateway/bus/nats_security.hpp"

namespace gangway::bus {

struct NatsOptions {
  std::string url = "nats://127.0.0.1:4222";  // comma-separated list allowed
  std::string name = "gangway";               // connection name shown by the server
  int max_reconnect = -1;                     // -1: retry forever
  std::chrono::milliseconds reconnect_wait{500};
  // Per subscription (a room, a shared kind, presence's watch): messages read
  // from the socket and not yet handed to their handler. Beyond either
  // limit nats.c drops and counts (slow_consumer_events, dropped_messages).
  // The gateway's handlers never block (the fan-out sheds into its own
  // bounded backlogs, docs/architecture.md "Overload"), so these are a
  // backstop: 8 MiB is ~40,000 events of 200 bytes behind one handler.
  int pending_msgs_limit = 65'536;
  int pending_bytes_limit = 8 * 1024 * 1024;
  std::chrono::milliseconds js_timeout{5000};    // JetStream/KV management calls
  // The server does not deliver this connection's own publishes to its own
  // subscriptions (NATS `no_echo`): for a connection that only needs others' news.
  bool no_echo = false;
  NatsAuth auth;  // how the gateway authenticates (holds secrets)
  NatsTls tls;
};

class NatsBus final : public Bus {
 public:
  // Starts connecting. The first connect attempt is made before returning; if
  // no server could be reached the bus keeps retrying in the background
  // (connected() is false until it succeeds), so the gateway can start before
  // NATS. nullptr, and `error` set, for what retrying cannot mend: unusable
  // options (a malformed URL, an unreadable key file: security_problems()),
  // and a server that answered but refused the credentials (authorization
  // violation) or the TLS handshake (an unknown CA, a wrong name, no TLS).
  // `error` names the problem, never a secret (URL user info is masked).
  static std::unique_ptr<NatsBus> create(const NatsOptions& opts, std::string* error = nullptr);

  // Closes the connection and waits (bounded) for nats.c's callbacks into the
  // bus to finish; outstanding requests complete with not_connected. Must not
  // be called from one of the bus's own callbacks. Subscriptions may outlive it.
  ~NatsBus() override;
  NatsBus(const NatsBus&) = delete;
  NatsBus& operator=(const NatsBus&) = delete;

  // Also works while disconnected: nats.c sends the interest on (re)connect.
  // nullptr for an invalid pattern.
  std::unique_ptr<Subscription> subscribe(const std::string& subject, Handler handler) override;
  BusError publish(const std::string& subject, std::string_view data, const Headers& headers = {}) override;
  void request(const std::string& subject, std::string_view data, std::chrono::milliseconds timeout,
               ReplyFn done) override;
  // ok after the stream's PubAck (also for a duplicate the stream dropped);
  // rejected when no stream captures the subject or the stream refuses.
  void publish_durable(const std::string& subject, std::string_view data, const std::string& msg_id,
                       std::chrono::milliseconds timeout, AckFn done) override;
  // A message to our own reply inbox: the server handles one client's
  // protocol in order, so its return means every earlier SUB is in place.
  void flush(std::chrono::milliseconds timeout, AckFn done) override;
  bool connected() const override;
  // Empty while connected; else why not, for /readyz and logs, e.g.
  // "authorization violation, retrying", "cannot connect to nats://h:4222,
  // retrying", "TLS handshake failed; gave up". Never a secret, never text
  // from the server. Any thread.
  std::string why_not_connected() const;
  void on_state_change(std::function<void(bool connected)> fn) override;

  // Times a subscription crossed its pending limit (nats.c reports each episode once).
  std::uint64_t slow_consumer_events() const;
  // Messages nats.c dropped for slow subscriptions, over the bus's lifetime.
  std::uint64_t dropped_messages() const;
  // Times the connection was re-established after a loss (nats.c's statistics). Any thread.
  std::uint64_t reconnects() const;

  // Creates the stream (file storage) or, if it exists, sets its subjects,
  // keeping the rest of its configuration. Blocking.
  BusError ensure_stream(const std::string& name, const std::vector<std::string>& subjects);
  // The number of messages the stream holds; nullopt on error. Blocking.
  std::optional<std::uint64_t> stream_messages(const std::string& name);

  // Where a bucket keeps its entries. Memory suits soft state that its writers
  // re-publish anyway (presence): no disk writes per entry, but the bucket is
  // gone when a lone nats-server restarts, so such writers re-ensure it.
  enum class KvStorage { file, memory };
  // Creates a key-value bucket (history 1) whose entries expire after `ttl`
  // (0: never), or updates an existing bucket's ttl. An existing bucket keeps
  // the storage it was created with (nats-server cannot change it). Blocking.
  BusError ensure_kv_bucket(const std::string& bucket, std::chrono::milliseconds ttl,
                            KvStorage storage = KvStorage::file);
  // Keys: [A-Za-z0-9_-/=.], no empty token. All blocking.
  BusError kv_put(const std::string& bucket, const std::string& key, std::string_view value);
  // nullopt when the key is absent or deleted, or on error (then `error` says which).
  std::optional<std::string> kv_get(const std::string& bucket, const std::string& key,
                                    BusError* error = nullptr);
  BusError kv_delete(const std::string& bucket, const std::string& key);
  // Live keys starting with `prefix` (all keys for ""), unordered.
  std::vector<std::string> kv_keys(const std::string& bucket, const std::string& prefix,
                                   BusError* error = nullptr);

  struct Impl;  // nats_internal.hpp

 private:
  explicit NatsBus(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gangway::bus
