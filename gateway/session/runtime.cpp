#include "gateway/session/runtime.hpp"

#include <algorithm>

#include "gateway/proxy/upstream.hpp"

namespace gangway {

AppRuntime::AppRuntime() = default;
AppRuntime::~AppRuntime() = default;

Limits effective_limits(const Limits& configured, const DialectLimits& dialect) {
  auto pick = [](auto config_value, auto dialect_value, auto fallback) {
    return config_value ? config_value : dialect_value ? dialect_value : fallback;
  };
  Limits l;
  l.max_frame_bytes = pick(configured.max_frame_bytes, dialect.max_frame_bytes, std::size_t{64 * 1024});
  l.max_queued_bytes = pick(configured.max_queued_bytes, std::size_t{0}, std::size_t{1024 * 1024});
  l.max_queued_frames = pick(configured.max_queued_frames, std::size_t{0}, std::size_t{64});
  l.idle_timeout_s = pick(configured.idle_timeout_s, dialect.idle_timeout_s, 60);
  l.handshake_timeout_s = pick(configured.handshake_timeout_s, dialect.handshake_timeout_s, 30);
  l.max_connections_per_user = pick(configured.max_connections_per_user, dialect.max_connections_per_user, 0);
  l.connections_per_minute = pick(configured.connections_per_minute, dialect.connections_per_minute, 0);
  for (const auto& [kind, rates] : dialect.rates)
    for (const auto& r : rates) l.rates[kind].emplace_back(r.count, r.window_s);
  for (const auto& [kind, rates] : configured.rates) l.rates[kind] = rates;  // the config replaces a kind whole
  return l;
}

std::vector<std::string> claims_named(const AppConfig& config) {
  std::vector<std::string> names;
  auto add = [&names](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const auto& [name, spec] : config.callouts)
    for (const auto& p : backend::placeholders(spec))
      if (p.source == backend::Placeholder::Source::claim) add(p.key);
  for (const auto& [field, claim] : config.sender.claims) add(claim);
  return names;
}

std::unique_ptr<AppRuntime> make_app_runtime(const AppConfig& config, std::unique_ptr<const Adapter> adapter,
                                             Metrics& metrics) {
  auto app = std::make_unique<AppRuntime>();
  app->config = config;
  app->adapter = std::move(adapter);
  app->limits = effective_limits(config.limits, app->adapter->limits());
  if (!config.jwt.keys.empty() || !config.jwt.jwks_url.empty()) app->jwt = std::make_unique<auth::JwtVerifier>(config.jwt);
  if (!config.jwt.jwks_url.empty())
    app->jwks = std::make_unique<JwksRefresher>(config.name, config.jwt.jwks_url, *app->jwt,
                                                std::chrono::seconds(config.jwt.jwks_refresh_s), config.jwt.jwks_ca_file);
  if (!config.backend_url.empty())
    app->callouts = std::make_unique<backend::CalloutClient>(
        config.backend_url,
        backend::CalloutOptions{config.backend_threads, config.backend_queue, config.backend_breaker, config.backend_ca_file});
  if (app->callouts) metrics.watch_callouts(config.name, app->callouts->counters());
  for (const auto& r : config.routes) app->routes.emplace_back(r);
  for (const auto& [name, spec] : config.callouts) {
    app->forwards_bearer = app->forwards_bearer || spec.forward_bearer;
    app->forwards_cookie = app->forwards_cookie || spec.forward_cookie;
  }
  app->kept_claims = claims_named(config);
  for (const auto& [kind, persist] : config.persist) {
    auto spec = config.callouts.find(persist.callout);
    if (persist.via != PersistSpec::Via::http || spec == config.callouts.end()) continue;
    for (const auto& p : backend::placeholders(spec->second))
      app->stores_read_frame = app->stores_read_frame || p.source == backend::Placeholder::Source::frame;
  }
  app->metrics = &metrics.app(config.name);
  return app;
}

}  // namespace gangway
