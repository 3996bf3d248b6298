#pragma once
// What sessions share: one AppRuntime per configured app, one Services per
// process. Built once at startup (gateway/app/gateway.cpp) and read-only
// afterwards, but for the thread-safe objects they point to.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "adapters/adapter.hpp"
#include "gateway/admin/metrics.hpp"
#include "gateway/auth/jwks_refresher.hpp"
#include "gateway/auth/jwt_verifier.hpp"
#include "gateway/backend/callout_client.hpp"
#include "gateway/bus/bus.hpp"
#include "gateway/bus/outbox.hpp"
#include "gateway/config/config.hpp"
#include "gateway/core/delivery_limits.hpp"
#include "gateway/core/route.hpp"
#include "gateway/core/subject.hpp"
#include "gateway/fanout/connection.hpp"
#include "gateway/fanout/fanout.hpp"
#include "gateway/limits/rate_limiter.hpp"
#include "gateway/presence/presence.hpp"
#include "gateway/session/deadline_heap.hpp"

namespace gangway {

class Session;
namespace proxy {
class Upstream;  // gateway/proxy/upstream.hpp: Beast stays out of the session engine's headers
}

struct AppRuntime {
  AppRuntime();
  ~AppRuntime();

  AppConfig config;
  Limits limits;  // effective: the config's, else the dialect's, else the gateway's defaults
  std::unique_ptr<const Adapter> adapter;  // made for this app from its dialect and options
  std::unique_ptr<auth::JwtVerifier> jwt;            // null if the app has no JWT keys
  std::unique_ptr<JwksRefresher> jwks;               // null without jwt.jwks_url; dies before `jwt`
  std::unique_ptr<backend::CalloutClient> callouts;  // null if the app has no backend
  // The HTTP pass-through's backend; null unless config.passthrough.enabled
  // (made by the Gateway, which knows how many loops need a pool).
  std::unique_ptr<proxy::Upstream> upstream;
  // Some callout forwards the client's token / Cookie header, so a session
  // keeps it after the upgrade (else it is dropped once verified).
  bool forwards_bearer = false;
  bool forwards_cookie = false;
  // The claims the app's request templates ({claim:…}) and sender profile
  // name: a session keeps these (SessionInfo::claims) and drops the others.
  std::vector<std::string> kept_claims;
  // A store's template reads the client's frame ({frame:…}): a persisted
  // frame is kept, parsed, for it (Action::frame).
  bool stores_read_frame = false;
  std::vector<RouteTemplate> routes;
  AppMetrics* metrics = nullptr;
};

struct Services {
  std::string gateway_id;
  Subjects subjects;
  // Subscribes the rooms (gw.out) and publishes what this gateway's own
  // sockets must hear too (a fanned-out typing event): the echo brings it back.
  bus::Bus* bus = nullptr;
  // What nothing in this gateway needs back, on a connection the server does
  // not echo to: a socket's gw.in frames (stored or not) and lifecycle
  // events, presence writes, rate hits. On one connection a socket's
  // lifecycle events and frames reach subscribers in the order they were
  // sent, and an upgrade's publishes wake one nats.c flusher, not two.
  // The same bus as `bus` when NATS is off.
  bus::Bus* no_echo_bus = nullptr;
  // Where a store's publishes go (either bus): kept and retried while the
  // bus is down, so a stored message is never left unannounced.
  bus::Outbox* outbox = nullptr;
  Fanout* fanout = nullptr;
  Metrics* metrics = nullptr;
  Presence* presence = nullptr;
  RateLimiter* rates = nullptr;
  // Each loop's and socket's bounds on the events they still have to deliver.
  DeliveryLimits delivery;
  // Open sockets per loop, for draining; sessions[i] is touched only on loop i.
  std::vector<std::unordered_set<Session*>> sessions;
  // Per loop: the open sockets whose credential expires, nearest first;
  // expiries[i] is touched only on loop i, which checks it once a second.
  std::vector<DeadlineHeap<Session>> expiries;
};

// The config's limits where set, else the dialect's, else the gateway's defaults.
Limits effective_limits(const Limits& configured, const DialectLimits& dialect);

// The claims `config`'s templates and sender profile name, each once.
std::vector<std::string> claims_named(const AppConfig& config);

// An app's runtime from its checked config (Gateway::check) and the adapter
// its dialect made: the JWT verifier (and key-set refresher), the callout
// client, the routes, the effective limits, its metrics in `metrics`.
// Throws std::invalid_argument for a key or backend URL that cannot be used.
std::unique_ptr<AppRuntime> make_app_runtime(const AppConfig& config, std::unique_ptr<const Adapter> adapter,
                                             Metrics& metrics);

}  // namespace gangway
