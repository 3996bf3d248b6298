#include "gateway/fanout/fanout.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <utility>

#include "adapters/adapter.hpp"
#include "gateway/admin/metrics.hpp"

namespace gangway {

// One subscribed subject. Shared by the bus handler, so it outlives a late message.
struct Fanout::Room {
  std::string subject;
  RoomKey key;
  const Adapter* adapter;
  AppMetrics* metrics;
  std::atomic<std::uint64_t> loop_mask{0};  // bit i: loop i has members (read lock-free by the bus thread)
  std::vector<int> loop_members;            // guarded by Fanout::mu_
  std::unique_ptr<bus::Subscription> subscription;
  bool subscribed = false;  // the server has the interest; guarded by Fanout::mu_
  std::vector<std::pair<std::size_t, std::function<void()>>> waiting;  // (loop, ready) until then
};

namespace {
// How long a join waits for the server to confirm its subscription.
constexpr std::chrono::milliseconds kSubscribeTimeout{2000};
}  // namespace

Fanout::Fanout(bus::Bus& bus, std::size_t loops, PostFn post) : bus_(bus), post_(std::move(post)), loops_(loops) {}

Fanout::~Fanout() {
  std::lock_guard lock(mu_);
  rooms_.clear();
}

void Fanout::join(std::size_t loop, const std::string& subject, const RoomKey& key, const Adapter& adapter,
                  AppMetrics& metrics, Connection* c, std::function<void()> ready) {
  auto& members = loops_[loop].members[subject];
  bool joined_before = !members.insert(c);
  std::shared_ptr<Room> subscribing;  // a new room: flushed outside the lock
  bool wait = false;
  {
    std::lock_guard lock(mu_);
    auto& room = rooms_[subject];
    if (!room) {
      subscribing = room = std::make_shared<Room>();
      room->subject = subject;
      room->key = key;
      room->adapter = &adapter;
      room->metrics = &metrics;
      room->loop_members.assign(loops_.size(), 0);
      std::weak_ptr<Room> weak = room;
      room->subscription = bus_.subscribe(subject, [this, weak](bus::Message&& m) {
        if (auto r = weak.lock()) on_bus_message(r, std::move(m));
      });
      // A subject under a standing wildcard is live already: no round trip.
      if (!room->subscription || !room->subscription->needs_flush()) {
        room->subscribed = true;
        subscribing.reset();
      }
    }
    if (!joined_before && members.size() == 1 && room->loop_members[loop]++ == 0) {
      room->loop_mask.fetch_or(1ULL << loop);
    }
    if ((wait = !room->subscribed)) room->waiting.emplace_back(loop, std::move(ready));
  }
  if (subscribing) {
    bus_.flush(kSubscribeTimeout, [this, weak = std::weak_ptr<Room>(subscribing)](bus::BusError) {
      // Even on error: nats.c re-sends the interest on reconnect, and a
      // socket must not wait forever for a server that is away.
      if (auto room = weak.lock()) subscribed(*room);
    });
  }
  if (!wait) ready();
}

void Fanout::subscribed(Room& room) {
  std::vector<std::pair<std::size_t, std::function<void()>>> waiting;
  {
    std::lock_guard lock(mu_);
    room.subscribed = true;
    waiting.swap(room.waiting);
  }
  for (auto& [loop, ready] : waiting) post_(loop, std::move(ready));
}

void Fanout::leave(std::size_t loop, const std::string& subject, Connection* c) {
  auto it = loops_[loop].members.find(subject);
  if (it == loops_[loop].members.end()) return;
  auto& members = it->second;
  if (!members.erase(c) || !members.empty()) return;
  loops_[loop].members.erase(it);
  std::unique_ptr<bus::Subscription> doomed;  // unsubscribed outside the lock
  {
    std::lock_guard lock(mu_);
    auto r = rooms_.find(subject);
    if (r == rooms_.end()) return;
    if (--r->second->loop_members[loop] == 0) r->second->loop_mask.fetch_and(~(1ULL << loop));
    if (r->second->loop_mask.load() == 0) {
      doomed = std::move(r->second->subscription);
      rooms_.erase(r);
    }
  }
}

std::size_t Fanout::subscribed_subjects() const {
  std::lock_guard lock(mu_);
  return rooms_.size();
}

void Fanout::on_bus_message(const std::shared_ptr<Room>& room, bus::Message&& msg) {
  room->metrics->bus_messages.fetch_add(1, std::memory_order_relaxed);
  auto event = parse_event(msg.data);
  if (!event) {
    room->metrics->bus_bad_messages.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  auto bytes = room->adapter->encode(*event, room->key);
  if (!bytes) return;
  auto frame = std::make_shared<const std::string>(std::move(*bytes));
  auto exclude = std::make_shared<const Exclude>(std::move(event->exclude));
  std::uint64_t mask = room->loop_mask.load(std::memory_order_acquire);
  for (std::size_t i = 0; mask; ++i, mask >>= 1) {
    if (!(mask & 1)) continue;
    post_(i, [this, i, room, frame, exclude] { deliver(i, room->subject, frame, *exclude); });
  }
}

void Fanout::deliver(std::size_t loop, const std::string& subject, const Frame& frame, const Exclude& exclude) {
  auto it = loops_[loop].members.find(subject);
  if (it == loops_[loop].members.end()) return;
  // Connection::send never joins or leaves synchronously, so the list is stable here.
  for (Connection* c : it->second) {
    const auto& info = c->info();
    if (!exclude.user.empty() && info.user.id == exclude.user) continue;
    if (!exclude.conn.empty() && info.conn_id == exclude.conn) continue;
    c->send(frame);
  }
}

}  // namespace gangway
