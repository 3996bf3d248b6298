#include "gateway/limits/rate_limiter.hpp"

#include <nlohmann/json.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/core/json_parse.hpp"

namespace gangway {
namespace {

std::string key_of(const std::string& app, const std::string& user, const std::string& kind, int window_s) {
  return app + '|' + user + '|' + kind + '|' + std::to_string(window_s);
}

}  // namespace

RateLimiter::RateLimiter(bus::Bus& bus, std::string subject_prefix, std::string gateway_id)
    : bus_(bus), prefix_(std::move(subject_prefix)), gateway_id_(std::move(gateway_id)) {}

RateLimiter::~RateLimiter() { subscriptions_.clear(); }

void RateLimiter::watch(const std::string& app) {
  auto sub = bus_.subscribe(prefix_ + ".rate." + app, [this](bus::Message&& m) { on_hit(m); });
  std::lock_guard lock(mu_);
  subscriptions_.push_back(std::move(sub));
}

void RateLimiter::count(const std::string& app, const std::string& user, const std::string& kind, int window_s,
                        std::int64_t now_s) {
  auto& c = counters_[key_of(app, user, kind, window_s)];
  auto index = now_s / window_s;
  if (c.window_index != index) c = Counter{index, 0};
  ++c.count;
}

bool RateLimiter::allow(const std::string& app, const std::string& user, const std::string& kind,
                        const Rates& rates) {
  if (rates.empty()) return true;
  auto now_s = unix_now();
  {
    std::lock_guard lock(mu_);
    for (auto [limit, window_s] : rates) {
      auto it = counters_.find(key_of(app, user, kind, window_s));
      if (it != counters_.end() && it->second.window_index == now_s / window_s && it->second.count >= limit)
        return false;
    }
    for (auto [limit, window_s] : rates) count(app, user, kind, window_s, now_s);
    if (++calls_ % 4096 == 0) {
      // Forget windows that have passed, so idle users cost nothing.
      for (auto it = counters_.begin(); it != counters_.end();) {
        auto window_s = std::stoi(it->first.substr(it->first.rfind('|') + 1));
        it = it->second.window_index < now_s / window_s ? counters_.erase(it) : std::next(it);
      }
    }
  }
  nlohmann::json windows = nlohmann::json::array();
  for (auto [limit, window_s] : rates) windows.push_back(window_s);
  nlohmann::json hit = {{"gateway", gateway_id_}, {"user", user}, {"kind", kind}, {"windows", windows}};
  bus_.publish(prefix_ + ".rate." + app, hit.dump());
  return true;
}

void RateLimiter::on_hit(const bus::Message& m) {
  auto j = parse_json(m.data);
  if (!j.is_object() || j.value("gateway", "") == gateway_id_) return;
  auto user = j.value("user", ""), kind = j.value("kind", "");
  auto app = m.subject.substr(prefix_.size() + 6);  // "<prefix>.rate."
  auto windows = j.find("windows");
  if (user.empty() || kind.empty() || windows == j.end() || !windows->is_array()) return;
  auto now_s = unix_now();
  std::lock_guard lock(mu_);
  for (const auto& w : *windows)
    if (w.is_number_integer() && w.get<int>() > 0) count(app, user, kind, w.get<int>(), now_s);
}

}  // namespace gangway
