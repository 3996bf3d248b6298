#include "gateway/presence/presence.hpp"

#include <nlohmann/json.hpp>

#include "gateway/bus/nats_bus.hpp"
#include "gateway/core/log.hpp"

namespace gangway {
namespace {

const bus::Headers kDelete = {{"KV-Operation", "DEL"}};

bool is_delete(const bus::Message& m) {
  for (const auto& [k, v] : m.headers)
    if (k == "KV-Operation" && (v == "DEL" || v == "PURGE")) return true;
  return false;
}

}  // namespace

Presence::Presence(bus::Bus& bus, bus::NatsBus* kv, std::string bucket, std::string gateway_id,
                   std::chrono::seconds ttl)
    : bus_(bus), kv_(kv), bucket_(std::move(bucket)), gateway_id_(std::move(gateway_id)), ttl_(ttl),
      gateways_{gateway_id_}, gateway_indexes_{{gateway_id_, 0}} {
  updates_ = bus_.subscribe("$KV." + bucket_ + ".>", [this](bus::Message&& m) { on_update(m); });
  if (kv_) {
    ensure_bucket();
    auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mu_);
    for (auto& key : kv_->kv_keys(bucket_, "")) replica_.emplace(std::move(key), Entry{now});
  }
  refresher_ = std::thread([this] { refresh_loop(); });
}

Presence::~Presence() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  refresher_.join();
  updates_.reset();
}

std::string Presence::room_prefix(const std::string& app, const RoomKey& room) {
  return app + "." + room.kind + "." + (room.id.empty() ? "_" : room.id) + ".";
}

void Presence::enter(const std::string& app, const RoomKey& room, const std::string& user, const std::string& conn) {
  auto key = room_prefix(app, room) + user + "." + conn;
  {
    std::lock_guard lock(mu_);
    replica_[key] = Entry{std::chrono::steady_clock::now(), true};
  }
  bus_.publish("$KV." + bucket_ + "." + key, gateway_id_);
}

void Presence::leave(const std::string& app, const RoomKey& room, const std::string& user, const std::string& conn) {
  auto key = room_prefix(app, room) + user + "." + conn;
  {
    std::lock_guard lock(mu_);
    auto it = replica_.find(key);
    if (it == replica_.end()) return;
    bool local = it->second.local;
    replica_.erase(it);
    if (!local) return;
  }
  bus_.publish("$KV." + bucket_ + "." + key, "", kDelete);
}

bool Presence::fresh(const Entry& e) const { return std::chrono::steady_clock::now() - e.seen < ttl_; }

std::vector<std::string> Presence::users(const std::string& app, const RoomKey& room) const {
  auto prefix = room_prefix(app, room);
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  for (auto it = replica_.lower_bound(prefix); it != replica_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it) {
    if (!fresh(it->second)) continue;
    auto rest = std::string_view(it->first).substr(prefix.size());
    auto user = std::string(rest.substr(0, rest.find('.')));
    if (out.empty() || out.back() != user) out.push_back(std::move(user));
  }
  return out;  // sorted: keys are ordered and the user is the next token
}

bool Presence::present(const std::string& app, const RoomKey& room, const std::string& user,
                       const std::string& except_conn) const {
  auto prefix = room_prefix(app, room) + user + ".";
  std::lock_guard lock(mu_);
  for (auto it = replica_.lower_bound(prefix); it != replica_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it) {
    if (fresh(it->second) && std::string_view(it->first).substr(prefix.size()) != except_conn) return true;
  }
  return false;
}

std::size_t Presence::count(const std::string& app, const RoomKey& room, const std::string& user) const {
  auto prefix = room_prefix(app, room) + user + ".";
  std::size_t n = 0;
  std::lock_guard lock(mu_);
  for (auto it = replica_.lower_bound(prefix); it != replica_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it)
    n += fresh(it->second);
  return n;
}

std::vector<Presence::Socket> Presence::sockets(const std::string& app, const RoomKey& room,
                                                const std::string& user) const {
  auto prefix = room_prefix(app, room) + user + ".";
  std::vector<Socket> out;
  std::lock_guard lock(mu_);
  for (auto it = replica_.lower_bound(prefix); it != replica_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it) {
    if (!fresh(it->second)) continue;
    const auto& e = it->second;
    bool known = e.local || e.gateway != 0;
    out.push_back({it->first.substr(prefix.size()), known ? gateways_[e.gateway] : std::string()});
  }
  return out;
}

std::uint16_t Presence::gateway_index(const std::string& id) {
  if (auto it = gateway_indexes_.find(id); it != gateway_indexes_.end()) return it->second;
  // Past 65,535 ids seen (gateways restarted with new ids ever since): "unknown".
  if (gateways_.size() > UINT16_MAX) return 0;
  auto index = static_cast<std::uint16_t>(gateways_.size());
  gateways_.push_back(id);
  gateway_indexes_.emplace(id, index);
  return index;
}

void Presence::on_update(const bus::Message& m) {
  auto head = "$KV." + bucket_ + ".";
  if (m.subject.compare(0, head.size(), head) != 0) return;
  auto key = m.subject.substr(head.size());
  std::lock_guard lock(mu_);
  auto it = replica_.find(key);
  bool local = it != replica_.end() && it->second.local;
  auto now = std::chrono::steady_clock::now();
  if (is_delete(m)) {
    if (it != replica_.end() && !local) replica_.erase(it);
  } else if (m.data == gateway_id_) {
    // This gateway's own write coming back: what it holds now decides, or a
    // socket that left meanwhile would show as present until the delete's echo.
    if (local) it->second.seen = now;
  } else if (it != replica_.end()) {
    it->second.seen = now;
    it->second.gateway = gateway_index(m.data);
  } else {
    replica_.emplace(std::move(key), Entry{now, false, gateway_index(m.data)});
  }
}

void Presence::ensure_bucket() {
  if (!kv_) return;
  auto e = kv_->ensure_kv_bucket(bucket_, ttl_, bus::NatsBus::KvStorage::memory);
  if (e == bus::BusError::not_connected) return;  // the bus reports its own state
  bool ok = e == bus::BusError::ok;
  if (ok == bucket_ok_) return;
  bucket_ok_ = ok;
  if (ok) return log_line("info", "", "presence bucket ready", {{"bucket", bucket_}});
  // Gateways still share presence through the $KV subjects; only readers of
  // the bucket (other systems, a gateway's start-up snapshot) miss it.
  log_line("warn", "", "presence bucket unavailable (is JetStream enabled?)",
           {{"bucket", bucket_}, {"error", std::string(bus::to_string(e))}});
}

void Presence::refresh_loop() {
  std::unique_lock lock(mu_);
  while (!stop_cv_.wait_for(lock, ttl_ / 3, [this] { return stopping_; })) {
    std::vector<std::string> keys;
    auto now = std::chrono::steady_clock::now();
    for (auto it = replica_.begin(); it != replica_.end();) {
      if (it->second.local) {
        it->second.seen = now;
        keys.push_back(it->first);
      }
      it = fresh(it->second) ? std::next(it) : replica_.erase(it);
    }
    lock.unlock();
    ensure_bucket();
    for (const auto& k : keys) bus_.publish("$KV." + bucket_ + "." + k, gateway_id_);
    lock.lock();
  }
}

}  // namespace gangway
