#include "gateway/app/gateway.hpp"

#include <atomic>
#include <condition_variable>
#include <stdexcept>
#include <thread>

#include "adapters/registry.hpp"
#include "gateway/admin/admin_server.hpp"
#include "gateway/admin/bearer_auth.hpp"
#include "gateway/admin/client_cert_auth.hpp"
#include "gateway/app/admin_api.hpp"
#include "gateway/app/drain.hpp"
#include "gateway/app/expiry_clock.hpp"
#include "gateway/backend/ca_bundle.hpp"
#include "gateway/bus/local_bus.hpp"
#include "gateway/bus/nats_bus.hpp"
#include "gateway/bus/nats_url.hpp"
#include "gateway/core/build_info.hpp"
#include "gateway/core/json_parse.hpp"
#include "gateway/core/log.hpp"
#include "gateway/net/listener.hpp"
#include "gateway/net/loop_pool.hpp"
#include "gateway/proxy/upstream.hpp"
#include "gateway/session/disconnects.hpp"
#include "gateway/session/runtime.hpp"
#include "gateway/session/session.hpp"
#include "gateway/tls/server_tls.hpp"

namespace gangway {

struct Gateway::Impl {
  Config config;
  Metrics metrics;
  // What each NATS connection last reported, for the gauge. Declared before
  // the buses: their callbacks write these until the connections are closed.
  std::atomic<bool> main_up{false}, no_echo_up{false};
  std::atomic<bool> stopping{false};  // the buses are closing: their last state change is no news
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
  std::unique_ptr<Disconnects> disconnects;
  std::unique_ptr<ExpiryClock> expiry;
  std::unique_ptr<AdminServer> admin;
  std::uint16_t admin_port = 0;
  std::atomic<bool> draining{false};  // /readyz fails from the drain's first moment
  std::vector<Gateway::DrainHook> drain_hooks;
  // The TLS listeners' certificates, by the app their log lines name ("" for the admin port).
  std::vector<std::pair<std::string, std::shared_ptr<tls::ServerTls>>> tls;
  std::shared_ptr<tls::ServerTls> admin_tls;

  explicit Impl(Config c) : config(std::move(c)), loops(config.threads) {}

  // The drain's steps (Gateway::drain), from its thread.
  // Each loop tells its share of its own sockets to close (LoopDrain::advance).
  void tell_loops(const std::shared_ptr<std::vector<LoopDrain>>& progress, double share) {
    for (std::size_t i = 0; i < loops.size(); ++i)
      loops.post(i, [this, progress, i, share] { (*progress)[i].advance(services.sessions[i], share); });
  }
  // Each loop answers its sockets' unanswered stores with the dialect's error and closes them.
  void abandon_stores() {
    for (std::size_t i = 0; i < loops.size(); ++i)
      loops.post(i, [this, i] {
        std::vector<Session*> waiting(services.sessions[i].begin(), services.sessions[i].end());
        for (Session* s : waiting)
          if (s->stores_in_flight() > 0) s->abandon_stores();
      });
  }

  // For /readyz: empty when ready, else why not. Sockets need both NATS
  // connections, asked of the connections themselves (no secret:
  // NatsBus::why_not_connected).
  std::string not_ready() const {
    if (draining) return "draining";
    if (!nats_bus) return {};
    if (auto why = nats_bus->why_not_connected(); !why.empty()) return "NATS: " + why;
    if (auto why = no_echo_bus->why_not_connected(); !why.empty()) return "NATS (no-echo connection): " + why;
    return {};
  }

  void watch_nats(bus::NatsBus& nats, std::atomic<bool>& up, const char* name);

  std::int64_t open_sockets() const {
    std::int64_t open = 0;
    for (const auto& app : apps) {
      open += app->metrics->connections.load();
      if (app->upstream) open += app->upstream->counters().in_flight.load();  // requests being passed through
    }
    return open;
  }
};

// A NATS connection's state changes, in the gauge and the log, and its
// counters in /metrics. `name`: "main" or "no_echo".
void Gateway::Impl::watch_nats(bus::NatsBus& nats, std::atomic<bool>& up, const char* name) {
  up = nats.connected();
  metrics.set_nats_connected(main_up && no_echo_up);
  nats.on_state_change([this, &nats, &up, name](bool now) {
    up = now;
    metrics.set_nats_connected(main_up && no_echo_up);
    if (stopping) return;
    if (now)
      log_event(LogLevel::info, "nats connected", {}, {{"connection", name}, {"url", bus::redact_nats_url(config.nats.url)}});
    else
      log_event(LogLevel::warn, "nats disconnected", {}, {{"connection", name}, {"why", nats.why_not_connected()}});
  });
  metrics.watch_nats(name, [&nats] {
    return NatsCounts{nats.slow_consumer_events(), nats.dropped_messages(), nats.reconnects()};
  });
}

namespace {
// A TLS listener's log line: the app's, or the admin port's ("" app).
void log_tls(LogLevel level, const std::string& app, std::string_view msg, nlohmann::json fields) {
  if (app.empty()) fields["listener"] = "admin";
  log_event(level, msg, {app, {}, {}}, fields);
}

// Loads a listener's certificate (throws naming `where`) and says which it is.
std::shared_ptr<tls::ServerTls> load_tls(const tls::TlsOptions& options, const std::string& where,
                                         const std::string& app) {
  auto loaded = std::make_shared<tls::ServerTls>(options, where);
  log_tls(LogLevel::info, app, "TLS certificate loaded", {{"certificate", loaded->certificate()}});
  return loaded;
}
}  // namespace

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
  if (d.nats_bus) {
    d.watch_nats(*d.nats_bus, d.main_up, "main");
    d.watch_nats(*d.no_echo_bus, d.no_echo_up, "no_echo");
  } else {
    d.main_up = d.no_echo_up = true;  // in-process
    d.metrics.set_nats_connected(true);
  }
  d.fanout = std::make_unique<Fanout>(
      *d.bus, d.loops.size(),
      [loops = &d.loops](std::size_t i, std::function<void()> fn) { loops->post(i, std::move(fn)); },
      d.config.delivery);
  // The loops' backlogs on /metrics (docs/architecture.md, "Overload").
  d.metrics.watch_backlog([&d] {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < d.loops.size(); ++i) total += d.fanout->backlog_bytes(i);
    return total;
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
  d.services.delivery = d.config.delivery;
  d.services.sessions.resize(d.loops.size());
  d.services.expiries.resize(d.loops.size());
  d.expiry = std::make_unique<ExpiryClock>(d.loops, d.services);
  for (const auto& app_config : d.config.apps) {
    auto made = find_dialect(app_config.dialect)->make(app_config.options);  // check() passed
    auto app = make_app_runtime(app_config, std::move(*made), d.metrics);
    if (app_config.passthrough.enabled) {
      app->upstream = std::make_unique<proxy::Upstream>(app_config.passthrough, app_config.backend_url, d.loops.size());
      d.metrics.watch_passthrough(app_config.name, app->upstream->shared_counters());
    }
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
    try {
      d.listeners.push_back(std::make_shared<net::Listener>(d.loops, *app, d.services, std::move(tls)));
    } catch (const std::exception& e) {  // "bind: Address already in use" alone names no app
      throw std::runtime_error("app " + app_config.name + " cannot listen on " + app_config.host + ":" +
                               std::to_string(app_config.port) + ": " + e.what());
    }
    d.apps.push_back(std::move(app));
  }
  if (d.config.admin_tls && d.config.admin_port) {
    d.admin_tls = load_tls(*d.config.admin_tls, "admin.tls", "");
    d.tls.emplace_back("", d.admin_tls);
  }
  std::vector<AppRuntime*> apps;
  for (auto& app : d.apps) apps.push_back(app.get());
  // On the main connection, which echoes: a disconnect this gateway's admin API publishes reaches its own sockets.
  d.disconnects = std::make_unique<Disconnects>(*d.bus, d.services.subjects, *d.fanout, apps);
}

void Gateway::reload_tls() {
  for (const auto& [app, tls] : impl_->tls) {
    auto reloaded = tls->reload();
    if (reloaded.ok)
      log_tls(LogLevel::info, app, "TLS certificate reloaded", {{"certificate", reloaded.message}});
    else
      log_tls(LogLevel::error, app, "TLS certificate not reloaded, keeping the current one",
              {{"reason", reloaded.message}});
  }
}

Gateway::~Gateway() {
  auto& d = *impl_;
  d.stopping = true;
  if (d.admin) d.admin->stop();
  d.loops.stop();
  d.expiry.reset();  // its timers, while their io_contexts exist
  for (auto& l : d.listeners) l->release();  // acceptors close while their io_context exists
  d.listeners.clear();
  for (auto& app : d.apps)
    if (app->upstream) app->upstream->close_all();  // pooled backend connections, likewise
  // Sessions still held by pending handlers die here, while the fan-out, the
  // apps and the bus they reference are still alive.
  d.loops.destroy();
  d.outbox->stop();  // the buses go before it
}

void Gateway::start() {
  auto& d = *impl_;
  for (auto& l : d.listeners) l->start();
  d.expiry->start();
  d.loops.start();
  if (d.config.admin_port || !d.config.admin_host.empty()) {
    d.admin = std::make_unique<AdminServer>(
        d.metrics,
        [&d]() -> std::optional<std::string> {
          auto why = d.not_ready();
          if (why.empty()) return std::nullopt;
          return why;
        },
        d.config.admin);
    if (d.admin_tls) d.admin->set_tls(d.admin_tls);
    AdminApi api{d.bus.get(), d.presence.get(), d.services.subjects, {}};
    for (const auto& app : d.config.apps) api.apps.push_back(app.name);
    add_admin_api(*d.admin, std::move(api));
    // A bearer secret, a client certificate of admin.tls.client_ca_file, or
    // either; with neither the API's routes answer 401 to everyone
    // (AdminServer fails closed).
    std::vector<AdminAuthenticator> ways;
    if (!d.config.admin_bearer_token.empty()) ways.push_back(bearer_authenticator(d.config.admin_bearer_token));
    if (d.admin_tls && !d.config.admin_tls->client_ca_file.empty())
      ways.push_back(client_certificate_authenticator());
    if (!ways.empty()) d.admin->set_authenticator(any_authenticator(std::move(ways)));
    if (d.config.admin_port) d.admin_port = d.admin->start(d.config.admin_host, d.config.admin_port);
  }
  log_started();
}

// What listens where: a line per app, one for the admin port, then a summary.
void Gateway::log_started() const {
  auto& d = *impl_;
  std::vector<std::uint16_t> ports = app_ports();
  for (std::size_t i = 0; i < d.config.apps.size(); ++i) {
    const auto& app = d.config.apps[i];
    log_event(LogLevel::info, "listening", {app.name, {}, {}},
              {{"dialect", app.dialect},
               {"listen", app.host + ":" + std::to_string(ports[i])},
               {"routes", app.routes},
               {"tls", app.tls.has_value()}});
  }
  if (d.admin_port)
    log_event(LogLevel::info, "admin listening", {},
              {{"listen", d.config.admin_host + ":" + std::to_string(d.admin_port)},
               {"paths", {"/healthz", "/readyz", "/metrics"}},
               {"tls", d.admin_tls != nullptr}});
  nlohmann::json summary = {{"version", build_info().version}, {"gateway_id", d.config.gateway_id},
                            {"ports", ports}, {"admin_port", d.admin_port}, {"threads", d.loops.size()}};
  if (!build_info().commit.empty()) summary["commit"] = build_info().commit;
  if (d.nats_bus) {
    summary["nats"] = bus::redact_nats_url(d.config.nats.url);
    summary["nats_connected"] = d.main_up && d.no_echo_up;
    if (auto why = d.not_ready(); !why.empty()) summary["nats_why"] = why;
  } else {
    summary["nats"] = "in-process (nats.enabled: false)";
  }
  log_event(LogLevel::info, "gangway listening", {}, summary);
}

void Gateway::on_drain(DrainHook hook) { impl_->drain_hooks.push_back(std::move(hook)); }

void Gateway::drain(DrainPace pace) {
  using Clock = DrainSchedule::Clock;
  using std::chrono::milliseconds;
  constexpr milliseconds kTick{100};
  auto& d = *impl_;
  const auto plan = DrainSchedule::from(d.config.drain, Clock::now(), pace == DrainPace::quick);
  auto ms = [](Clock::duration t) { return std::chrono::duration_cast<milliseconds>(t).count(); };
  auto nap_until = [&](Clock::time_point end) { std::this_thread::sleep_for(std::min<Clock::duration>(kTick, end - Clock::now())); };
  d.draining = true;
  const std::int64_t at_start = d.open_sockets();
  log_line("info", "", "draining: /readyz answers 503",
           {{"sockets", at_start}, {"refuse_after_ms", ms(plan.refuse - plan.start)},
            {"close_window_ms", ms(plan.closed - plan.refuse)}});
  std::this_thread::sleep_until(plan.refuse);

  for (auto& l : d.listeners) l->stop();
  for (auto& app : d.apps)
    if (app->upstream) app->upstream->drain();  // answers from now on close their connection
  const std::int64_t at_refuse = d.open_sockets();
  auto progress = std::make_shared<std::vector<LoopDrain>>(d.loops.size());
  // Spread over the window while there is something to spread: a gateway
  // whose sockets are all gone (or that had none) goes on at once.
  for (double share = 0; share < 1 && d.open_sockets() > 0; nap_until(plan.closed))
    d.tell_loops(progress, share = plan.share(Clock::now()));
  log_line("info", "", "draining: every socket told to close",
           {{"sockets_at_refuse", at_refuse}, {"open", d.open_sockets()}, {"ms", ms(Clock::now() - plan.start)}});

  // Sockets still upgrading when the listeners closed are told as they open.
  auto settled = [&] { return d.outbox->stats().pending == 0 && d.open_sockets() == 0; };
  for (; !settled() && Clock::now() < plan.force; nap_until(plan.force)) d.tell_loops(progress, 1);
  if (auto stores = d.outbox->stats().pending; stores > 0) {
    log_line("warn", "", "draining: stores still unanswered get the dialect's error", {{"stores", stores}});
    d.abandon_stores();
  }
  for (auto& hook : d.drain_hooks) hook(plan.exit);
  // What the bus did not take yet: a stored message is announced before the process goes.
  d.outbox->drain(plan.exit);
  while (d.open_sockets() > 0 && Clock::now() < plan.exit) nap_until(plan.exit);
  const std::int64_t open = d.open_sockets();
  log_event(open > 0 ? LogLevel::warn : LogLevel::info, "drained", {},
            {{"sockets", at_start}, {"closed", at_start - open}, {"still_open", open},
             {"stores_unanswered", d.outbox->stats().pending}, {"ms", ms(Clock::now() - plan.start)},
             {"grace_ms", ms(plan.exit - plan.start)}});
}

std::vector<std::uint16_t> Gateway::app_ports() const {
  std::vector<std::uint16_t> ports;
  for (const auto& l : impl_->listeners) ports.push_back(l->port());
  return ports;
}

std::uint16_t Gateway::admin_port() const { return impl_->admin_port; }

}  // namespace gangway
