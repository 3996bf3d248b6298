#include "gateway/app/runtime.hpp"

namespace gangway {

Limits effective_limits(const Limits& configured, const DialectLimits& dialect) {
  auto pick = [](auto config_value, auto dialect_value, auto fallback) {
    return config_value ? config_value : dialect_value ? dialect_value : fallback;
  };
  Limits l;
  l.max_frame_bytes = pick(configured.max_frame_bytes, dialect.max_frame_bytes, std::size_t{64 * 1024});
  l.max_queued_bytes = pick(configured.max_queued_bytes, std::size_t{0}, std::size_t{1024 * 1024});
  l.idle_timeout_s = pick(configured.idle_timeout_s, dialect.idle_timeout_s, 60);
  l.handshake_timeout_s = pick(configured.handshake_timeout_s, dialect.handshake_timeout_s, 30);
  l.max_connections_per_user = pick(configured.max_connections_per_user, dialect.max_connections_per_user, 0);
  l.connections_per_minute = pick(configured.connections_per_minute, dialect.connections_per_minute, 0);
  for (const auto& [kind, rates] : dialect.rates)
    for (const auto& r : rates) l.rates[kind].emplace_back(r.count, r.window_s);
  for (const auto& [kind, rates] : configured.rates) l.rates[kind] = rates;  // the config replaces a kind whole
  return l;
}

}  // namespace gangway
