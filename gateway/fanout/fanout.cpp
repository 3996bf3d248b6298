#include "gateway/fanout/fanout.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <utility>

#include "adapters/adapter.hpp"
#include "gateway/admin/metrics.hpp"
#include "gateway/fanout/backlog.hpp"

namespace gangway {

// One subject with its own subscription. Shared by the bus handler, so it
// outlives a late message.
struct Fanout::Room {
  RoomKey key;
  const Adapter* adapter;
  AppMetrics* metrics;
  std::atomic<std::uint64_t> loop_mask{0};  // bit i: loop i has members (read lock-free by the bus thread)
  // [loop]: the members on that loop, touched only there (and under Fanout::mu_
  // on join and leave). Held here, not in a per-loop map by subject, so a
  // delivery finds them without hashing the subject.
  std::unique_ptr<MemberList[]> members;
  std::unique_ptr<bus::Subscription> subscription;
  bool subscribed = false;  // the server has the interest; guarded by Fanout::mu_
  Waiting waiting;          // joins until then; guarded by Fanout::mu_
};

// One `<prefix>.*` subscription for all rooms `<prefix>.<id>`. Rooms are kept
// by id, not subject: most ids fit std::string's inline buffer, subjects do not.
struct Fanout::Shared {
  std::string prefix;
  std::string kind;  // the prefix's last token
  const Adapter* adapter;
  AppMetrics* metrics;
  std::unique_ptr<bus::Subscription> subscription;
  bool subscribed = false;  // guarded by Fanout::mu_
  Waiting waiting;          // guarded by Fanout::mu_
  std::vector<std::unordered_map<std::string, MemberList>> members;  // [loop]: id -> members, touched on that loop
  std::unordered_map<std::string, std::uint64_t> masks;              // id -> loops with members; Fanout::mu_
};

namespace {
// How long a join waits for the server to confirm its subscription.
constexpr std::chrono::milliseconds kSubscribeTimeout{2000};
}  // namespace

Fanout::Fanout(bus::Bus& bus, std::size_t loops, PostFn post, DeliveryLimits limits)
    : bus_(bus),
      post_(std::move(post)),
      loops_(loops),
      limits_(limits),
      backlogs_(std::make_unique<Backlog[]>(loops)),
      flushes_(bus, kSubscribeTimeout) {}

Fanout::~Fanout() {
  std::lock_guard lock(mu_);
  rooms_.clear();
  shared_.clear();
}

void Fanout::share(const std::string& prefix, const Adapter& adapter, AppMetrics& metrics) {
  auto shared = std::make_shared<Shared>();
  shared->prefix = prefix;
  shared->kind = prefix.substr(prefix.rfind('.') + 1);
  shared->adapter = &adapter;
  shared->metrics = &metrics;
  shared->members.resize(loops_);
  std::weak_ptr<Shared> weak = shared;
  shared->subscription = bus_.subscribe(prefix + ".*", [this, weak](bus::Message&& m) {
    if (auto s = weak.lock()) on_shared_message(s, std::move(m));
  });
  if (!shared->subscription) return;  // refused: these rooms get subscriptions of their own
  {
    std::lock_guard lock(mu_);
    shared_.emplace(prefix, shared);
  }
  bus_.flush(kSubscribeTimeout, [this, weak](bus::BusError) {
    if (auto s = weak.lock()) release(s->subscribed, s->waiting);
  });
}

Fanout::Shared* Fanout::shared_for(const std::string& subject, std::string* id) const {
  if (shared_.empty()) return nullptr;
  auto dot = subject.rfind('.');
  if (dot == std::string::npos) return nullptr;
  auto it = shared_.find(subject.substr(0, dot));
  if (it == shared_.end()) return nullptr;
  *id = subject.substr(dot + 1);
  return it->second.get();
}

void Fanout::join(std::size_t loop, const std::string& subject, const RoomKey& key, const Adapter& adapter,
                  AppMetrics& metrics, Connection* c, std::function<void()> ready) {
  std::string id;
  if (auto* shared = shared_for(subject, &id)) return join_shared(*shared, loop, id, c, std::move(ready));
  join_own(loop, subject, key, adapter, metrics, c, std::move(ready));
}

void Fanout::join_shared(Shared& shared, std::size_t loop, const std::string& id, Connection* c,
                         std::function<void()> ready) {
  auto& members = shared.members[loop][id];
  bool first_on_loop = members.insert(c) && members.size() == 1;
  bool wait;
  {
    std::lock_guard lock(mu_);
    if (first_on_loop) shared.masks[id] |= 1ULL << loop;
    if ((wait = !shared.subscribed)) shared.waiting.emplace_back(loop, std::move(ready));
  }
  if (!wait) ready();
}

void Fanout::join_own(std::size_t loop, const std::string& subject, const RoomKey& key, const Adapter& adapter,
                      AppMetrics& metrics, Connection* c, std::function<void()> ready) {
  std::shared_ptr<Room> subscribing;  // a new room: flushed outside the lock
  bool wait;
  {
    std::lock_guard lock(mu_);
    auto& room = rooms_[subject];
    if (!room) {
      subscribing = room = std::make_shared<Room>();
      room->key = key;
      room->adapter = &adapter;
      room->metrics = &metrics;
      room->members = std::make_unique<MemberList[]>(loops_);
      std::weak_ptr<Room> weak = room;
      room->subscription = bus_.subscribe(subject, [this, weak](bus::Message&& m) {
        if (auto r = weak.lock()) on_room_message(r, std::move(m));
      });
      if (!room->subscription) {  // refused: nothing will arrive, and nothing to wait for
        room->subscribed = true;
        subscribing.reset();
      }
    }
    auto& members = room->members[loop];
    if (members.insert(c) && members.size() == 1) room->loop_mask.fetch_or(1ULL << loop);
    if ((wait = !room->subscribed)) room->waiting.emplace_back(loop, std::move(ready));
  }
  if (subscribing) {
    flushes_.then([this, weak = std::weak_ptr<Room>(subscribing)](bus::BusError) {
      // Even on error: nats.c re-sends the interest on reconnect, and a
      // socket must not wait forever for a server that is away.
      if (auto room = weak.lock()) release(room->subscribed, room->waiting);
    });
  }
  if (!wait) ready();
}

void Fanout::release(bool& subscribed, Waiting& waiting) {
  Waiting ready;
  {
    std::lock_guard lock(mu_);
    subscribed = true;
    ready.swap(waiting);
  }
  for (auto& [loop, fn] : ready) post_(loop, std::move(fn));
}

void Fanout::leave(std::size_t loop, const std::string& subject, Connection* c) {
  std::string id;
  if (auto* shared = shared_for(subject, &id)) return leave_shared(*shared, loop, id, c);
  leave_own(loop, subject, c);
}

void Fanout::leave_shared(Shared& shared, std::size_t loop, const std::string& id, Connection* c) {
  auto& on_loop = shared.members[loop];
  auto it = on_loop.find(id);
  if (it == on_loop.end()) return;
  if (!it->second.erase(c) || !it->second.empty()) return;
  on_loop.erase(it);
  std::lock_guard lock(mu_);
  auto m = shared.masks.find(id);
  if (m == shared.masks.end()) return;
  if ((m->second &= ~(1ULL << loop)) == 0) shared.masks.erase(m);
}

void Fanout::leave_own(std::size_t loop, const std::string& subject, Connection* c) {
  std::unique_ptr<bus::Subscription> doomed;  // unsubscribed outside the lock
  std::lock_guard lock(mu_);
  auto r = rooms_.find(subject);
  if (r == rooms_.end()) return;
  auto& members = r->second->members[loop];
  if (!members.erase(c) || !members.empty()) return;
  auto bit = 1ULL << loop;
  if ((r->second->loop_mask.fetch_and(~bit) & ~bit) != 0) return;
  doomed = std::move(r->second->subscription);
  rooms_.erase(r);
}

std::size_t Fanout::backlog_bytes(std::size_t loop) const { return backlogs_[loop].bytes(); }

void Fanout::visit(const std::string& subject, std::function<void(Connection&)> fn) {
  std::string id;
  std::shared_ptr<Shared> shared;
  std::shared_ptr<Room> room;
  std::uint64_t mask = 0;
  {
    std::lock_guard lock(mu_);
    if (Shared* s = shared_for(subject, &id)) {
      shared = shared_.at(s->prefix);
      if (auto it = s->masks.find(id); it != s->masks.end()) mask = it->second;
    } else if (auto it = rooms_.find(subject); it != rooms_.end()) {
      room = it->second;
      mask = room->loop_mask.load(std::memory_order_acquire);
    }
  }
  auto each = std::make_shared<std::function<void(Connection&)>>(std::move(fn));
  for (std::size_t i = 0; mask; ++i, mask >>= 1) {
    if (!(mask & 1)) continue;
    post_(i, [i, shared, room, id, each] {
      const MemberList* members = nullptr;
      if (room) {
        members = &room->members[i];
      } else if (auto it = shared->members[i].find(id); it != shared->members[i].end()) {
        members = &it->second;
      }
      if (!members) return;
      std::vector<Connection*> copy(members->begin(), members->end());
      for (Connection* c : copy) (*each)(*c);
    });
  }
}

std::size_t Fanout::subscribed_subjects() const {
  std::lock_guard lock(mu_);
  return rooms_.size() + shared_.size();
}

// A bus message on its way to the loops. The first loop that delivers it
// parses and encodes it, once, for all of them: encoding on the bus's single
// delivery thread made that thread the bottleneck with many small rooms,
// while the loops, each taking its events in arrival order, keep the order.
struct Fanout::Pending {
  Pending(bus::Message&& m, RoomKey k, const Adapter& a, AppMetrics& am, std::uint64_t loop_mask, std::size_t c,
          std::chrono::steady_clock::time_point at)
      : msg(std::move(m)),
        key(std::move(k)),
        adapter(a),
        metrics(am),
        alone((loop_mask & (loop_mask - 1)) == 0),
        cost(c),
        received(at) {}
  // Called once on each loop the message was posted to.
  const std::optional<Encoded>& encoded() {
    auto run = [this] { result = encode(key, adapter, metrics, msg, received); };
    if (alone) {
      run();  // the only caller: pthread_once's slow path cost ~3% of gangway's CPU in C
    } else {
      std::call_once(once, run);
    }
    return result;
  }
  bus::Message msg;
  RoomKey key;
  const Adapter& adapter;
  AppMetrics& metrics;
  const bool alone;  // posted to one loop only
  const std::size_t cost;  // reserved in the backlog of each loop it was posted to
  const std::chrono::steady_clock::time_point received;  // by the gateway (the bus's delivery thread)
  std::once_flag once;
  std::optional<Encoded> result;
};

namespace {
// What an event costs each loop it is posted to (backlog.hpp).
std::size_t cost_of(const bus::Message& msg) {
  return msg.subject.size() + msg.data.size() + msg.reply.size() + Backlog::kEventOverhead;
}
}  // namespace

std::uint64_t Fanout::reserve(std::uint64_t mask, std::size_t cost, AppMetrics& metrics) {
  std::uint64_t taken = 0;
  for (std::size_t i = 0; mask >> i; ++i) {
    if (!((mask >> i) & 1)) continue;
    if (backlogs_[i].try_add(cost, limits_.max_backlog_bytes)) {
      taken |= 1ULL << i;
    } else {
      metrics.events_dropped_backlog.fetch_add(1, std::memory_order_relaxed);
    }
  }
  return taken;
}

void Fanout::deliver_on(std::size_t loop, Pending& pending, const MemberList* members) {
  if (members && !members->empty()) {  // else all left since
    // Half the delay for the loop, the rest for the sockets' queues: an event
    // handed to sockets when nearly max_delay old would be dropped again by
    // every socket with a write in flight, after the loop paid for it.
    if (std::chrono::steady_clock::now() - pending.received > limits_.max_delay / 2) {
      // Dropped unparsed: catching up on stale events would only make the next ones late too.
      pending.metrics.events_dropped_late.fetch_add(1, std::memory_order_relaxed);
    } else if (const auto& e = pending.encoded()) {
      deliver(*members, *e, pending.metrics);
    }
  }
  backlogs_[loop].remove(pending.cost);
}

void Fanout::on_room_message(const std::shared_ptr<Room>& room, bus::Message&& msg) {
  std::uint64_t mask = room->loop_mask.load(std::memory_order_acquire);
  if (!mask) return;
  std::size_t cost = cost_of(msg);
  mask = reserve(mask, cost, *room->metrics);
  if (!mask) return;
  auto pending = std::make_shared<Pending>(std::move(msg), room->key, *room->adapter, *room->metrics, mask, cost,
                                           std::chrono::steady_clock::now());
  for (std::size_t i = 0; mask; ++i, mask >>= 1) {
    if (!(mask & 1)) continue;
    post_(i, [this, i, room, pending] { deliver_on(i, *pending, &room->members[i]); });
  }
}

void Fanout::on_shared_message(const std::shared_ptr<Shared>& shared, bus::Message&& msg) {
  std::string id = msg.subject.substr(shared->prefix.size() + 1);
  std::uint64_t mask;
  {
    std::lock_guard lock(mu_);
    auto it = shared->masks.find(id);
    if (it == shared->masks.end()) return;  // another gateway's socket
    mask = it->second;
  }
  std::size_t cost = cost_of(msg);
  mask = reserve(mask, cost, *shared->metrics);
  if (!mask) return;
  auto pending = std::make_shared<Pending>(std::move(msg), RoomKey{shared->kind, std::move(id)}, *shared->adapter,
                                           *shared->metrics, mask, cost, std::chrono::steady_clock::now());
  for (std::size_t i = 0; mask; ++i, mask >>= 1) {
    if (!(mask & 1)) continue;
    post_(i, [this, i, shared, pending] {
      auto& on_loop = shared->members[i];
      auto it = on_loop.find(pending->key.id);
      deliver_on(i, *pending, it == on_loop.end() ? nullptr : &it->second);
    });
  }
}

std::optional<Fanout::Encoded> Fanout::encode(const RoomKey& key, const Adapter& adapter, AppMetrics& metrics,
                                              const bus::Message& msg, std::chrono::steady_clock::time_point received) {
  metrics.bus_messages.fetch_add(1, std::memory_order_relaxed);
  auto event = parse_event(msg.data);
  if (!event) {
    metrics.bus_bad_messages.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  auto bytes = adapter.encode(*event, key);
  if (!bytes) return std::nullopt;
  return Encoded{make_frame(std::move(*bytes), received),
                 std::make_shared<const Exclude>(std::move(event->exclude))};
}

void Fanout::deliver(const MemberList& members, const Encoded& encoded, AppMetrics& metrics) {
  // Connection::send never joins or leaves synchronously, so the list is stable here.
  const Exclude& exclude = *encoded.exclude;
  std::uint64_t shed = 0;  // counted once per event: the loops would contend on a per-frame atomic
  for (Connection* c : members) {
    const auto& info = c->info();
    if (!exclude.user.empty() && info.user.id == exclude.user) continue;
    if (!exclude.conn.empty() && info.conn_id == exclude.conn) continue;
    shed += c->send(encoded.frame) == SendResult::shed;
  }
  if (shed) metrics.deliveries_dropped.fetch_add(shed, std::memory_order_relaxed);
}

}  // namespace gangway
