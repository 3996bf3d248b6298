#pragma once
// Cluster-wide presence: which users have a socket in which room.
//
// The truth lives in a NATS JetStream key-value bucket (other systems can read
// it too): one key per socket in a tracked room,
//   <app>.<room-kind>.<room-id>.<user>.<conn> = <gateway id>.
// Writes are plain publishes on $KV.<bucket>.<key> (no round trip on a loop);
// every gateway subscribes to $KV.<bucket>.> and keeps a replica, so queries
// and online/offline transitions are answered locally without blocking.
// The gateway gives Presence a bus with no_echo, so its own writes do not
// come back; where they do (the in-process bus) they change nothing.
// Each gateway re-publishes its own keys every ttl/3 and the bucket expires
// keys after ttl, so a crashed gateway's sockets disappear from the bucket;
// replicas drop entries not refreshed within ttl.
// The bucket is in memory: every upgrade and close writes it, and on disk each
// write cost the bus's nats-server ~1.5 x the CPU (docs/performance.md) for
// state that is re-published every ttl/3 anyway. A lone nats-server loses it
// on restart, so each refresh first re-creates it if it is gone (also when
// JetStream was not ready at start); the refresh then fills it again.
// With the in-process bus the same publishes make a single-node replica.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <condition_variable>
#include <vector>

#include "gateway/bus/bus.hpp"
#include "gateway/core/room.hpp"

namespace gangway {

namespace bus {
class NatsBus;
}

class Presence {
 public:
  // `kv` (may be null: in-process bus) creates the bucket and loads a
  // snapshot at start; both block, so construct at startup.
  Presence(bus::Bus& bus, bus::NatsBus* kv, std::string bucket, std::string gateway_id,
           std::chrono::seconds ttl = std::chrono::seconds(60));
  ~Presence();

  // Any thread. Records that `conn` of `user` is in `room` of `app` (or no longer is).
  void enter(const std::string& app, const RoomKey& room, const std::string& user, const std::string& conn);
  void leave(const std::string& app, const RoomKey& room, const std::string& user, const std::string& conn);

  // Any thread. Users with at least one socket in the room, sorted, cluster-wide.
  std::vector<std::string> users(const std::string& app, const RoomKey& room) const;
  // Any thread. How many sockets `user` has in the room, cluster-wide.
  std::size_t count(const std::string& app, const RoomKey& room, const std::string& user) const;
  // Any thread. True if `user` has a socket in the room other than `except_conn`.
  bool present(const std::string& app, const RoomKey& room, const std::string& user,
               const std::string& except_conn = "") const;

  // A socket of a user, cluster-wide: its connection id and the gateway that
  // holds it ("" until that gateway's next write or refresh, for a key this
  // gateway loaded from the bucket at start: the snapshot has no values).
  struct Socket {
    std::string conn;
    std::string gateway;
  };
  // Any thread. The sockets `user` has in the room, by connection id.
  std::vector<Socket> sockets(const std::string& app, const RoomKey& room, const std::string& user) const;

  const std::string& bucket() const { return bucket_; }

 private:
  struct Entry {
    std::chrono::steady_clock::time_point seen;
    bool local = false;  // this gateway's socket: kept, and re-published by refresh_loop
    // Which gateway holds it, an index into gateways_ (in what was padding:
    // no gateway id string per key). 0: this gateway, or not known yet.
    std::uint16_t gateway = 0;
  };
  // Under mu_: the index of a gateway id in gateways_, added if new.
  std::uint16_t gateway_index(const std::string& id);
  static std::string room_prefix(const std::string& app, const RoomKey& room);
  void on_update(const bus::Message& m);
  void ensure_bucket();  // blocking: constructor and refresher only
  void refresh_loop();
  bool fresh(const Entry& e) const;

  bus::Bus& bus_;
  bus::NatsBus* kv_;
  bool bucket_ok_ = true;  // as last seen by ensure_bucket (logged when it changes)
  std::string bucket_;
  std::string gateway_id_;
  std::chrono::seconds ttl_;
  mutable std::mutex mu_;
  // key -> last seen; ordered for prefix scans. This gateway's own keys are
  // marked here rather than kept in a second set: one copy of each key.
  std::map<std::string, Entry> replica_;
  // The gateway ids values have named ([0]: this one, or unknown); a few per
  // cluster, and one more per restart of a gateway with a new id.
  std::vector<std::string> gateways_;
  std::unordered_map<std::string, std::uint16_t> gateway_indexes_;  // gateways_ by id
  std::unique_ptr<bus::Subscription> updates_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread refresher_;
};

}  // namespace gangway
