#pragma once
// Per-user rate limits counted across every gateway of a cluster.
//
// Each gateway counts hits in fixed windows (a minute, an hour, a day, ...)
// and announces every hit it accepted on <prefix>.rate.<app>; every gateway
// counts the others' announcements too, so a user who spreads sockets over
// gateways meets the same limit. Announcements are fire-and-forget: during a
// NATS outage each gateway still enforces the limit on what it sees itself.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gateway/bus/bus.hpp"

namespace gangway {

using Rates = std::vector<std::pair<int, int>>;  // (count, window seconds)

class RateLimiter {
 public:
  RateLimiter(bus::Bus& bus, std::string subject_prefix, std::string gateway_id);
  ~RateLimiter();

  // Any thread. Listens for other gateways' hits for this app (call once per app with rates).
  void watch(const std::string& app);

  // Any thread. If every window of `rates` has room, counts the hit (here and,
  // through the bus, on the other gateways) and returns true; else false.
  bool allow(const std::string& app, const std::string& user, const std::string& kind, const Rates& rates);

 private:
  struct Counter {
    std::int64_t window_index = 0;
    int count = 0;
  };
  void count(const std::string& app, const std::string& user, const std::string& kind, int window_s,
             std::int64_t now_s);
  void on_hit(const bus::Message& m);

  bus::Bus& bus_;
  std::string prefix_;
  std::string gateway_id_;
  std::mutex mu_;
  std::unordered_map<std::string, Counter> counters_;  // "app|user|kind|window" -> counter
  std::uint64_t calls_ = 0;
  std::vector<std::unique_ptr<bus::Subscription>> subscriptions_;
};

}  // namespace gangway
