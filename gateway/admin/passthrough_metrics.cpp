// The HTTP pass-through's families of /metrics (gateway/proxy/counters.hpp).
#include <functional>
#include <ostream>

#include "gateway/admin/metrics.hpp"

namespace gangway {

void Metrics::watch_passthrough(const std::string& app, std::shared_ptr<const proxy::Counters> counters) {
  std::lock_guard lock(mu_);
  passthroughs_.emplace_back(app, std::move(counters));
}

// Under mu_.
void Metrics::render_passthroughs(std::ostream& out) const {
  if (passthroughs_.empty()) return;
  using Counters = proxy::Counters;
  auto family = [&](const char* name, const char* type, const char* help, const char* label,
                    std::initializer_list<std::pair<const char*, std::function<std::int64_t(const Counters&)>>> series) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    for (const auto& [app, c] : passthroughs_)
      for (const auto& [value, read] : series) {
        out << name << "{app=\"" << app << '"';
        if (label) out << ',' << label << "=\"" << value << '"';
        out << "} " << read(*c) << '\n';
      }
  };
  auto load = [](const auto& a) { return static_cast<std::int64_t>(a.load(std::memory_order_relaxed)); };
  family("gangway_passthrough_requests_total", "counter", "HTTP requests passed through to the backend.", nullptr,
         {{"", [&](const Counters& c) { return load(c.requests); }}});
  family("gangway_passthrough_in_flight", "gauge", "HTTP requests being passed through now.", nullptr,
         {{"", [&](const Counters& c) { return load(c.in_flight); }}});
  family("gangway_passthrough_backend_connections_total", "counter",
         "Backend connections: opened, or taken from the idle pool.", "how",
         {{"opened", [&](const Counters& c) { return load(c.backend_connects); }},
          {"reused", [&](const Counters& c) { return load(c.backend_reuses); }},
          {"retried", [&](const Counters& c) { return load(c.retries); }}});
  family("gangway_passthrough_answered_total", "counter",
         "Pass-through requests the gateway answered itself, by status (400 malformed, 413 too large, 501 transfer coding, 502, 504).",
         "status",
         {{"400", [&](const Counters& c) { return load(c.answered_400); }},
          {"413", [&](const Counters& c) { return load(c.answered_413); }},
          {"501", [&](const Counters& c) { return load(c.answered_501); }},
          {"502", [&](const Counters& c) { return load(c.answered_502); }},
          {"504", [&](const Counters& c) { return load(c.answered_504); }}});
  family("gangway_passthrough_aborted_total", "counter",
         "Pass-through answers cut short after they had begun (the backend or the client failed).", nullptr,
         {{"", [&](const Counters& c) { return load(c.aborted); }}});
}

}  // namespace gangway
