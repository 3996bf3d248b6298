// The HTTP pass-through's families of /metrics (gateway/proxy/counters.hpp).
#include <functional>

#include "gateway/admin/exposition.hpp"

#include "gateway/admin/metrics.hpp"

namespace gangway {

void Metrics::watch_passthrough(const std::string& app, std::shared_ptr<const proxy::Counters> counters) {
  std::lock_guard lock(mu_);
  passthroughs_.emplace_back(app, std::move(counters));
}

// Under mu_.
void Metrics::render_passthroughs(Exposition& out) const {
  if (passthroughs_.empty()) return;
  using Counters = proxy::Counters;
  using Type = Exposition::Type;
  auto family = [&](const char* name, Type type, const char* help, const char* label,
                    std::initializer_list<std::pair<const char*, std::function<std::int64_t(const Counters&)>>> series) {
    out.family(name, type, help);
    for (const auto& [app, c] : passthroughs_)
      for (const auto& [value, read] : series)
        out.sample(Exposition::label("app", app) + (label ? "," + Exposition::label(label, value) : ""), read(*c));
  };
  auto load = [](const auto& a) { return static_cast<std::int64_t>(a.load(std::memory_order_relaxed)); };
  family("gangway_passthrough_requests", Type::counter, "HTTP requests passed through to the backend.", nullptr,
         {{"", [&](const Counters& c) { return load(c.requests); }}});
  family("gangway_passthrough_in_flight", Type::gauge, "HTTP requests being passed through now.", nullptr,
         {{"", [&](const Counters& c) { return load(c.in_flight); }}});
  family("gangway_passthrough_backend_connections", Type::counter,
         "Backend connections: opened, or taken from the idle pool.", "how",
         {{"opened", [&](const Counters& c) { return load(c.backend_connects); }},
          {"reused", [&](const Counters& c) { return load(c.backend_reuses); }},
          {"retried", [&](const Counters& c) { return load(c.retries); }}});
  family("gangway_passthrough_answered", Type::counter,
         "Pass-through requests the gateway answered itself, by status (400 malformed, 413 too large, 501 transfer coding, 502, 504).",
         "status",
         {{"400", [&](const Counters& c) { return load(c.answered_400); }},
          {"413", [&](const Counters& c) { return load(c.answered_413); }},
          {"501", [&](const Counters& c) { return load(c.answered_501); }},
          {"502", [&](const Counters& c) { return load(c.answered_502); }},
          {"504", [&](const Counters& c) { return load(c.answered_504); }}});
  family("gangway_passthrough_aborted", Type::counter,
         "Pass-through answers cut short after they had begun (the backend or the client failed).", nullptr,
         {{"", [&](const Counters& c) { return load(c.aborted); }}});
}

}  // namespace gangway
