#pragma once
// What sessions share: one AppRuntime per configured app, one Services per process.
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "adapters/adapter.hpp"
#include "gateway/admin/metrics.hpp"
#include "gateway/auth/jwt_verifier.hpp"
#include "gateway/backend/callout_client.hpp"
#include "gateway/bus/bus.hpp"
#include "gateway/config/config.hpp"
#include "gateway/core/route.hpp"
#include "gateway/core/subject.hpp"
#include "gateway/fanout/connection.hpp"
#include "gateway/fanout/fanout.hpp"

namespace gangway {

namespace net {
class LoopPool;
}

struct AppRuntime {
  AppConfig config;
  const Adapter* adapter = nullptr;
  std::unique_ptr<auth::JwtVerifier> jwt;            // null if the app has no JWT keys
  std::unique_ptr<backend::CalloutClient> callouts;  // null if the app has no backend
  std::vector<RouteTemplate> routes;
  AppMetrics* metrics = nullptr;
};

struct Services {
  std::string gateway_id;
  Subjects subjects;
  bus::Bus* bus = nullptr;
  Fanout* fanout = nullptr;
  Metrics* metrics = nullptr;
  net::LoopPool* loops = nullptr;
  // Open sessions per loop, for draining; sessions_[i] is touched only on loop i.
  std::vector<std::unordered_set<Connection*>> sessions;
};

}  // namespace gangway
