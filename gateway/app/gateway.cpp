#include "gateway/app/gateway.hpp"

#include <atomic>
#include <condition_variable>
#include <stdexcept>
#include <thread>

#include "adapters/registry.hpp"
#include "gateway/admin/admin_server.hpp"
#include "gateway/backend/ca_bundle.hpp"
#include "gateway/bus/local_bus.hpp"
#include "gateway/bus/nats_bus.hpp"
#include "gateway/core/json_parse.hpp"
#include "gateway/core/log.hpp"
#include "gateway/net/listener.hpp"
#include "gateway/net/loop_pool.hpp"
#include "gateway/session/runtime.hpp"
#include "gateway/tls/server_tls.hpp"

namespace gangway {

struct Gateway::Impl {
  Config config;
  Metrics metrics;
  // What each NATS connection last reported, for the gauge. Declared before
  // the buses: their callbacks write these until the connections are closed.
  std::atomic<bool> main_up{false}, no_echo_up{false};
  // Stopped in ~Gateway before the buses go; destroyed after everything that
  // may still hold one of its Pendings (callout clients, the buses' callbacks).
  std::unique_ptr<bus::Outbox> outbox;
  std::unique_ptr<bus::Bus> bus;
  // NATS only: the connection without echo (Services::no_echo_bus).
  std::unique_ptr<bus::NatsBus> no_echo_bus;
  bus::NatsBus* nats_bus = nullptr;  // NATS only: `bus`, for why it is down
  net::LoopPool loops;
  std::unique_ptr<Fanout> fanout;
  std::unique_ptr<Presence> presence;
  std::unique_ptr<RateLimiter> rates;
  Services services;
  std::vector<std::unique_ptr<AppRuntime>> apps;
  std::vector<std::shared_ptr<net::Listener>> listeners;
  std::unique_ptr<AdminServer> admin;
  std::uint16_t admin_port = 0;
  // The TLS listeners' certificates, by the app their log lines name ("" for the admin port).
  std::vector<std::pair<std::string, std::shared_ptr<tls::ServerTls>>> tls;
  std::shared_ptr<tls::ServerTls> admin_tls;

  explicit Impl(Config c) : config(std::move(c)), loops(config.threads) {}

  // For /readyz, asked of the connections themselves: sockets need both.
  // Empty when both are up, else why not (no secret: NatsBus::why_not_connected).
  std::string nats_not_ready() const {
    if (!nats_bus) return {};
    if (auto why = nats_bus->why_not_connected(); !why.empty()) return "NATS: " + why;
    if (auto why = no_echo_bus->why_not_connected(); !why.empty()) return "NATS (no-echo connection): " + why;
    return {};
  }
};

namespace {
bool has_jwt(const AppConfig& app) { return !app.jwt.keys.empty() || !app.jwt.jwks_url.empty(); }

// A TLS listener's log line: the app's, or the admin port's ("" app).
void log_tls(const char* level, const std::string& app, const std::string& msg, nlohmann::json extra) {
  if (app.empty()) extra["listener"] = "admin";
  log_line(level, app, msg, extra);
}

// Loads a listener's certificate (throws naming `where`) and says which it is.
std::shared_ptr<tls::ServerTls> load_tls(const tls::TlsOptions& options, const std::string& where,
                                         const std::string& app) {
  auto loaded = std::make_shared<tls::ServerTls>(options, where);
  log_tls("info", app, "TLS certificate loaded", {{"certificate", loaded->certificate()}});
  return loaded;
}
}  // namespace

std::string Gateway::check(const Config& config) {
  std::string problems;
  for (const auto& app : config.apps) {
    const Dialect* dialect = find_dialect(app.dialect);
    if (!dialect) {
      std::string known;
      for (auto name : dialect_names()) known += (known.empty() ? "" : ", ") + std::string(name);
      problems += "app " + app.name + ": unknown dialect '" + app.dialect + "' (known: " + known + ")\n";
      continue;
    }
    auto made = dialect->make(app.options);
    if (!made) {
      problems += "app " + app.name + ": " + made.error() + "\n";
      continue;
    }
    const Adapter* adapter = made->get();
    for (const auto& name : adapter->required_callouts())
      if (!app.callouts.count(name))
        problems += "app " + app.name + ": dialect " + app.dialect + " needs callout '" + name + "'\n";
    if (app.session && app.allowed_origins.empty())
      problems += "app " + app.name + ": cookie sessions need allowed_origins (cross-site WebSocket hijacking)\n";
    if (adapter->credential() == Credential::cookie && !app.session)
      problems += "app " + app.name + ": dialect " + app.dialect + " authenticates with a session cookie; add session\n";
    if (adapter->credential() != Credential::cookie && !has_jwt(app))
      problems += "app " + app.name + ": dialect " + app.dialect + " authenticates with JWTs; add jwt.keys or jwt.jwks_url\n";
    try {
      if (has_jwt(app)) auth::JwtVerifier verifier(app.jwt);
    } catch (const std::exception& e) {
      problems += "app " + app.name + ": " + e.what() + "\n";
    }
    if (!app.backend_ca_file.empty())
      if (auto p = backend::ca_bundle_problem(app.backend_ca_file); !p.empty())
        problems += "app " + app.name + ": backend.ca_file: " + p + "\n";
    if (!app.jwt.jwks_ca_file.empty())
      if (auto p = backend::ca_bundle_problem(app.jwt.jwks_ca_file); !p.empty())
        problems += "app " + app.name + ": jwt.jwks_ca_file: " + p + "\n";
    if (app.tls)
      if (auto p = tls::tls_problem(*app.tls, "app " + app.name + ": tls"); !p.empty()) problems += p + "\n";
  }
  if (config.admin_tls)
    if (auto p = tls::tls_problem(*config.admin_tls, "admin.tls"); !p.empty()) problems += p + "\n";
  if (config.nats.enabled)
    if (auto p = bus::security_problems(config.nats.auth, config.nats.tls, config.nats.url); !p.empty())
      problems += p + "\n";
  return problems;
}

Gateway::Gateway(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {
  if (auto problems = check(impl_->config); !problems.empty()) throw std::runtime_error(problems);
  auto& d = *impl_;
  set_max_json_depth(d.config.max_json_depth);
  if (d.config.nats.enabled) {
    bus::NatsOptions opts;
    opts.url = d.config.nats.url;
    opts.name = "gangway-" + d.config.gateway_id;
    opts.auth = d.config.nats.auth;
    opts.tls = d.config.nats.tls;
    std::string error;
    auto main_bus = bus::NatsBus::create(opts, &error);
    if (!main_bus) throw std::runtime_error("nats: " + error);
    d.nats_bus = main_bus.get();
    d.bus = std::move(main_bus);
    // What this gateway never needs back (Services::no_echo_bus). On the
    // main connection each presence write, for one, would come back to the
    // replica that already holds it: read, handed to a delivery thread and
    // dropped, on every socket's enter and leave.
    opts.name += "-no-echo";
    opts.no_echo = true;
    d.no_echo_bus = bus::NatsBus::create(opts, &error);
    if (!d.no_echo_bus) throw std::runtime_error("nats: " + error);
  } else {
    d.bus = std::make_unique<bus::LocalBus>();
  }
  d.services.bus = d.bus.get();
  d.services.no_echo_bus = d.no_echo_bus ? d.no_echo_bus.get() : d.bus.get();
  d.outbox = std::make_unique<bus::Outbox>(d.config.nats.outbox_bytes);
  d.services.outbox = d.outbox.get();
  d.metrics.watch_outbox([outbox = d.outbox.get()] {
    auto s = outbox->stats();
    return Metrics::OutboxStats{s.kept, s.kept_bytes, s.pending, s.retried, s.dropped};
  });
  d.main_up = d.services.bus->connected();
  d.no_echo_up = d.services.no_echo_bus->connected();
  auto report = [m = &d.metrics, main = &d.main_up, no_echo = &d.no_echo_up] {
    m->set_nats_connected(*main && *no_echo);
  };
  report();
  d.bus->on_state_change([up = &d.main_up, report](bool now) {
    *up = now;
    report();
  });
  if (d.no_echo_bus) d.no_echo_bus->on_state_change([up = &d.no_echo_up, report](bool now) {
    *up = now;
    report();
  });
  d.fanout = std::make_unique<Fanout>(*d.bus, d.loops.size(),
                                      [loops = &d.loops](std::size_t i, std::function<void()> fn) {
                                        loops->post(i, std::move(fn));
                                      });
  auto* kv = d.no_echo_bus && d.no_echo_bus->connected() ? d.no_echo_bus.get() : nullptr;
  d.presence = std::make_unique<Presence>(*d.services.no_echo_bus, kv, d.config.nats.subject_prefix + "-presence",
                                          d.config.gateway_id);
  d.rates = std::make_unique<RateLimiter>(*d.services.no_echo_bus, d.config.nats.subject_prefix, d.config.gateway_id);
  d.services.presence = d.presence.get();
  d.services.rates = d.rates.get();
  d.services.gateway_id = d.config.gateway_id;
  d.services.subjects = Subjects(d.config.nats.subject_prefix);
  d.services.fanout = d.fanout.get();
  d.services.metrics = &d.metrics;
  d.services.sessions.resize(d.loops.size());
  for (const auto& app_config : d.config.apps) {
    auto made = find_dialect(app_config.dialect)->make(app_config.options);  // check() passed
    auto app = make_app_runtime(app_config, std::move(*made), d.metrics);
    if (!app->limits.rates.empty() || app->limits.connections_per_minute) d.rates->watch(app_config.name);
    // Every socket is alone in its conn room and nearly alone in its user
    // room: one wildcard per app and kind instead of a subscription per socket.
    for (const auto& kind : d.config.nats.wildcard_rooms)
      d.fanout->share(d.config.nats.subject_prefix + ".out." + app_config.name + "." + kind, *app->adapter,
                      *app->metrics);
    std::shared_ptr<tls::ServerTls> tls;
    if (app_config.tls) {
      tls = load_tls(*app_config.tls, "app " + app_config.name + ": tls", app_config.name);
      d.tls.emplace_back(app_config.name, tls);
    }
    d.listeners.push_back(std::make_shared<net::Listener>(d.loops, *app, d.services, std::move(tls)));
    d.apps.push_back(std::move(app));
  }
  if (d.config.admin_tls && d.config.admin_port) {
    d.admin_tls = load_tls(*d.config.admin_tls, "admin.tls", "");
    d.tls.emplace_back("", d.admin_tls);
  }
}

void Gateway::reload_tls() {
  for (const auto& [app, tls] : impl_->tls) {
    auto reloaded = tls->reload();
    if (reloaded.ok)
      log_tls("info", app, "TLS certificate reloaded", {{"certificate", reloaded.message}});
    else
      log_tls("error", app, "TLS certificate not reloaded, keeping the current one", {{"reason", reloaded.message}});
  }
}

Gateway::~Gateway() {
  auto& d = *impl_;
  if (d.admin) d.admin->stop();
  d.loops.stop();
  for (auto& l : d.listeners) l->release();  // acceptors close while their io_context exists
  d.listeners.clear();
  // Sessions still held by pending handlers die here, while the fan-out, the
  // apps and the bus they reference are still alive.
  d.loops.destroy();
  d.outbox->stop();  // the buses go before it
}

void Gateway::start() {
  auto& d = *impl_;
  for (auto& l : d.listeners) l->start();
  d.loops.start();
  if (d.config.admin_port || !d.config.admin_host.empty()) {
    d.admin = std::make_unique<AdminServer>(
        d.metrics,
        [&d]() -> std::optional<std::string> {
          auto why = d.nats_not_ready();
          if (why.empty()) return std::nullopt;
          return why;
        },
        d.config.admin);
    if (d.admin_tls) d.admin->set_tls(d.admin_tls);
    if (d.config.admin_port) d.admin_port = d.admin->start(d.config.admin_host, d.config.admin_port);
  }
}

void Gateway::drain(std::chrono::milliseconds grace) {
  auto& d = *impl_;
  for (auto& l : d.listeners) l->stop();
  for (std::size_t i = 0; i < d.loops.size(); ++i)
    d.loops.post(i, [&d, i] {
      std::vector<Connection*> open(d.services.sessions[i].begin(), d.services.sessions[i].end());
      for (auto* c : open) c->close(1001, "going away");
    });
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    std::int64_t open = 0;
    for (const auto& app : d.apps) open += app->metrics->connections.load();
    if (open == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Stores still in flight and what the bus did not take yet: a stored
  // message is announced before the process goes, within the deadline.
  d.outbox->drain(deadline);
}

std::vector<std::uint16_t> Gateway::app_ports() const {
  std::vector<std::uint16_t> ports;
  for (const auto& l : impl_->listeners) ports.push_back(l->port());
  return ports;
}

std::uint16_t Gateway::admin_port() const { return impl_->admin_port; }

}  // namespace gangway
