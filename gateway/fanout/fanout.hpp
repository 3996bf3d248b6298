#pragma once
// Interest-based fan-out of gw.out.… subjects to local sockets.
//
// A subject is subscribed on the bus when the first local socket (on any loop)
// joins its room and unsubscribed when the last leaves. A bus message is
// parsed and encoded once (by the app's adapter), then posted once to each
// loop that has members; each loop queues the same bytes on its sockets.
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

  // On loop `loop`. `ready` runs on that loop once the NATS server has this
  // gateway's subscription to the subject (a bus flush after the first
  // subscribe), so a publish the server handles afterwards reaches `c`.
  // Inline if the room was already subscribed. `ready` must check that its
  // connection is still alive: it may run after `c` left.
  void join(std::size_t loop, const std::string& subject, const RoomKey& room, const Adapter& adapter,
            AppMetrics& metrics, Connection* c, std::function<void()> ready);
  // On loop `loop`. Idempotent.
  void leave(std::size_t loop, const std::string& subject, Connection* c);

  // Subjects with a live bus subscription (for tests and /metrics).
  std::size_t subscribed_subjects() const;

 private:
  struct Room;
  struct LoopRooms {
    std::unordered_map<std::string, MemberList> members;
  };
  void subscribed(Room& room);  // on a bus thread: runs the joins waiting for the flush
  void deliver(std::size_t loop, const std::string& subject, const Frame& frame, const Exclude& exclude);
  void on_bus_message(const std::shared_ptr<Room>& room, bus::Message&& msg);

  bus::Bus& bus_;
  PostFn post_;
  std::vector<LoopRooms> loops_;  // loops_[i] is touched only on loop i
  mutable std::mutex mu_;         // guards rooms_ (join/leave of a loop's first/last member only)
  std::unordered_map<std::string, std::shared_ptr<Room>> rooms_;
};

}  // namespace gangway
