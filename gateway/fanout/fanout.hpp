#pragma once
// Interest-based fan-out of gw.out.… subjects to local sockets.
//
// A subject is subscribed on the bus when the first local socket (on any loop)
// joins its room and unsubscribed when the last leaves. A bus message is
// parsed and encoded once (by the app's adapter), then posted once to each
// loop that has members; each loop queues the same bytes on its sockets.
//
// Rooms of a shared kind (share(): every socket is alone in its conn room and
// nearly alone in its user room) instead ride one `<prefix>.*` subscription
// made at start-up: a join costs no subscription, no flush and no per-room
// state beyond the members and a loop mask.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/bus/bus.hpp"
#include "gateway/fanout/connection.hpp"
#include "gateway/fanout/member_list.hpp"

namespace gangway {

class Adapter;
struct AppMetrics;

class Fanout {
 public:
  using PostFn = std::function<void(std::size_t loop, std::function<void()>)>;
  Fanout(bus::Bus& bus, std::size_t loops, PostFn post);
  ~Fanout();

  // Before the first join: rooms `<prefix>.<id>` (one token) share one
  // `<prefix>.*` subscription, subscribed now; their joins are ready once the
  // server has it (one flush for all of them). Every gateway then also
  // receives the other gateways' messages for these rooms and drops them.
  void share(const std::string& prefix, const Adapter& adapter, AppMetrics& metrics);

  // On loop `loop`. `ready` runs on that loop once the NATS server has this
  // gateway's subscription to the subject (a bus flush after the first
  // subscribe), so a publish the server handles afterwards reaches `c`.
  // Inline if the room was already subscribed. `ready` must check that its
  // connection is still alive: it may run after `c` left.
  void join(std::size_t loop, const std::string& subject, const RoomKey& room, const Adapter& adapter,
            AppMetrics& metrics, Connection* c, std::function<void()> ready);
  // On loop `loop`. Idempotent.
  void leave(std::size_t loop, const std::string& subject, Connection* c);

  // Bus subscriptions this fan-out holds: one per own room, one per shared prefix
  // (for tests and /metrics).
  std::size_t subscribed_subjects() const;

 private:
  struct Room;
  struct Shared;
  struct LoopRooms {
    std::unordered_map<std::string, MemberList> members;
  };
  using Waiting = std::vector<std::pair<std::size_t, std::function<void()>>>;  // (loop, ready)

  Shared* shared_for(const std::string& subject) const;  // null: the subject has its own room
  void join_shared(Shared& shared, std::size_t loop, const std::string& subject, bool first_on_loop,
                   std::function<void()> ready);
  void leave_shared(std::size_t loop, const std::string& subject);
  void join_own(std::size_t loop, const std::string& subject, const RoomKey& key, const Adapter& adapter,
                AppMetrics& metrics, bool first_on_loop, std::function<void()> ready);
  void leave_own(std::size_t loop, const std::string& subject);
  void release(bool& subscribed, Waiting& waiting);  // after the flush: marks subscribed, posts the readies

  void on_room_message(const std::shared_ptr<Room>& room, bus::Message&& msg);
  void on_shared_message(const Shared& shared, bus::Message&& msg);
  void dispatch(const RoomKey& key, const Adapter& adapter, AppMetrics& metrics, std::uint64_t loop_mask,
                bus::Message&& msg);
  void deliver(std::size_t loop, const std::string& subject, const Frame& frame, const Exclude& exclude);

  bus::Bus& bus_;
  PostFn post_;
  std::vector<LoopRooms> loops_;  // loops_[i] is touched only on loop i
  mutable std::mutex mu_;         // guards rooms_, shared_masks_ and the Room/Shared fields it names
  std::unordered_map<std::string, std::shared_ptr<Room>> rooms_;
  std::unordered_map<std::string, std::shared_ptr<Shared>> shared_;  // by prefix; fixed once joins start
  std::unordered_map<std::string, std::uint64_t> shared_masks_;      // subject -> loops with members
};

}  // namespace gangway
