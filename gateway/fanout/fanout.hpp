#pragma once
// Interest-based fan-out of gw.out.… subjects to local sockets.
//
// A subject is subscribed on the bus when the first local socket (on any loop)
// joins its room and unsubscribed when the last leaves. A bus message is
// posted once to each loop that has members and parsed and encoded once (by
// the app's adapter, on the first of those loops to get to it); each loop
// queues the same bytes on its sockets.
//
// Rooms of a shared kind (share(): every socket is alone in its conn room and
// nearly alone in its user room) instead ride one `<prefix>.*` subscription
// made at start-up: a join costs no subscription, no flush and no per-room
// state beyond the members and a loop mask.
//
// Under overload each loop's backlog stays within DeliveryLimits: the newest
// events beyond its bytes are not posted to it, events older than its delay
// are dropped on the loop; both are counted per app (backlog.hpp). Sockets
// that cannot take what their loop delivers are closed by their own queue's
// bound (Connection::send).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/bus/bus.hpp"
#include "gateway/core/delivery_limits.hpp"
#include "gateway/fanout/connection.hpp"
#include "gateway/fanout/flush_batch.hpp"
#include "gateway/fanout/member_list.hpp"

namespace gangway {

class Adapter;
class Backlog;
struct AppMetrics;

class Fanout {
 public:
  using PostFn = std::function<void(std::size_t loop, std::function<void()>)>;
  Fanout(bus::Bus& bus, std::size_t loops, PostFn post, DeliveryLimits limits = {});
  ~Fanout();

  // Before the first join: rooms `<prefix>.<id>` (one token) share one
  // `<prefix>.*` subscription, subscribed now; their joins are ready once the
  // server has it (one flush for all of them). Every gateway then also
  // receives the other gateways' messages for these rooms and drops them.
  void share(const std::string& prefix, const Adapter& adapter, AppMetrics& metrics);

  // On loop `loop`. `ready` runs on that loop once the NATS server has this
  // gateway's subscription to the subject (a bus flush after the first
  // subscribe, one flush for all the rooms subscribed meanwhile), so a
  // publish the server handles afterwards reaches `c`.
  // Inline if the room was already subscribed. `ready` must check that its
  // connection is still alive: it may run after `c` left.
  void join(std::size_t loop, const std::string& subject, const RoomKey& room, const Adapter& adapter,
            AppMetrics& metrics, Connection* c, std::function<void()> ready);
  // On loop `loop`. Idempotent.
  void leave(std::size_t loop, const std::string& subject, Connection* c);

  // Any thread. Runs `fn` on each loop where the room of `subject` has
  // members, once for each of them there (on a copy of the list: `fn` may
  // close them). Nothing if no local socket is in the room. For what reaches
  // sockets other than as a frame: a disconnect (session/disconnects.hpp).
  void visit(const std::string& subject, std::function<void(Connection&)> fn);

  // Bus subscriptions this fan-out holds: one per own room, one per shared prefix
  // (for tests and /metrics).
  std::size_t subscribed_subjects() const;
  // Bytes of events posted to loop `loop` and not yet delivered (any thread).
  std::size_t backlog_bytes(std::size_t loop) const;

 private:
  struct Room;
  struct Shared;
  struct Pending;
  using Waiting = std::vector<std::pair<std::size_t, std::function<void()>>>;  // (loop, ready)

  // The shared kind serving `subject` and the room's id in it, or null: the
  // subject has a room of its own.
  Shared* shared_for(const std::string& subject, std::string* id) const;
  void join_shared(Shared& shared, std::size_t loop, const std::string& id, Connection* c,
                   std::function<void()> ready);
  void leave_shared(Shared& shared, std::size_t loop, const std::string& id, Connection* c);
  void join_own(std::size_t loop, const std::string& subject, const RoomKey& key, const Adapter& adapter,
                AppMetrics& metrics, Connection* c, std::function<void()> ready);
  void leave_own(std::size_t loop, const std::string& subject, Connection* c);
  void release(bool& subscribed, Waiting& waiting);  // after the flush: marks subscribed, posts the readies

  void on_room_message(const std::shared_ptr<Room>& room, bus::Message&& msg);
  void on_shared_message(const std::shared_ptr<Shared>& shared, bus::Message&& msg);
  // The loops of `mask` whose backlog takes `cost` more bytes (reserved);
  // the others are counted in `metrics` and get nothing.
  std::uint64_t reserve(std::uint64_t mask, std::size_t cost, AppMetrics& metrics);
  // On loop `loop`, with the event's reservation: delivers it to `members`
  // unless it waited past limits_.max_delay / 2 (then counts it), and frees the
  // reservation.
  void deliver_on(std::size_t loop, Pending& pending, const MemberList* members);
  // A bus message parsed and encoded once, for every loop.
  struct Encoded {
    Frame frame;
    std::shared_ptr<const Exclude> exclude;
  };
  // `received`: when the message came from the bus, carried by the frame (FrameBytes::arrived).
  static std::optional<Encoded> encode(const RoomKey& key, const Adapter& adapter, AppMetrics& metrics,
                                       const bus::Message& msg, std::chrono::steady_clock::time_point received);
  static void deliver(const MemberList& members, const Encoded& encoded, AppMetrics& metrics);

  bus::Bus& bus_;
  PostFn post_;
  std::size_t loops_;
  DeliveryLimits limits_;
  std::unique_ptr<Backlog[]> backlogs_;  // [loop] (backlog.hpp)
  FlushBatch flushes_;                   // one flush for the rooms subscribed meanwhile
  mutable std::mutex mu_;         // guards rooms_ and the Room/Shared fields it names
  std::unordered_map<std::string, std::shared_ptr<Room>> rooms_;
  std::unordered_map<std::string, std::shared_ptr<Shared>> shared_;  // by prefix; fixed once joins start
};

}  // namespace gangway
