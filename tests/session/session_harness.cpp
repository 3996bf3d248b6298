#include "tests/session/session_harness.hpp"

#include <algorithm>
#include <ctime>

#include "adapters/registry.hpp"
#include "gateway/config/config.hpp"
#include "tests/support/token_factory.hpp"

namespace gangway::test {

// ---- TestLoop ----------------------------------------------------------------

void TestLoop::post(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(fn));
  }
  cv_.notify_all();
}

bool TestLoop::run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    std::function<void()> next;
    {
      std::unique_lock lock(mu_);
      // `done` may turn on another thread's doing (the backend saw a
      // request) with nothing posted here: look again every 5 ms.
      auto wake = std::min(deadline, std::chrono::steady_clock::now() + 5ms);
      if (!cv_.wait_until(lock, wake, [this] { return !queue_.empty(); })) {
        if (std::chrono::steady_clock::now() >= deadline) return done();
        continue;
      }
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    next();
  }
  return true;
}

void TestLoop::run_for(std::chrono::milliseconds d) {
  run_until([] { return false; }, d);
}

// ---- SwitchableBus -------------------------------------------------------------

bus::BusError SwitchableBus::publish(const std::string& subject, std::string_view data, const bus::Headers& headers) {
  if (down) return bus::BusError::not_connected;
  return local_.publish(subject, data, headers);
}

void SwitchableBus::request(const std::string& subject, std::string_view data, std::chrono::milliseconds timeout,
                            ReplyFn done) {
  if (down) return done(bus::BusError::not_connected, {});
  local_.request(subject, data, timeout, std::move(done));
}

void SwitchableBus::publish_durable(const std::string& subject, std::string_view data, const std::string& msg_id,
                                    std::chrono::milliseconds timeout, AckFn done) {
  if (down) return done(bus::BusError::not_connected);
  local_.publish_durable(subject, data, msg_id, timeout, std::move(done));
}

// ---- RecordingPeer -------------------------------------------------------------

RecordingPeer::RecordingPeer(TestLoop& loop, AppRuntime& app, Services& services)
    : session(app, services, *this, 0), loop_(loop) {}

void RecordingPeer::accept(std::function<void()> then) {
  accepted = true;
  // Beast completes the handshake later, on the loop.
  loop_.post([self = shared_from_this(), then = std::move(then)] {
    if (!self->closing_) then();
  });
}

void RecordingPeer::close(int code, std::string_view reason) {
  if (closing_) return;
  closing_ = true;
  closed = {code, std::string(reason)};
  // The close handshake completes later; then the socket shuts down.
  loop_.post([self = shared_from_this()] { self->session.closed("server_closed"); });
}

SendResult RecordingPeer::send(const Frame& frame) {
  if (closing_ || !accepted) return SendResult::closed;
  (greeted_ ? frames : early_).push_back(frame->text());
  return SendResult::queued;
}

void RecordingPeer::greet(const std::function<void()>& greet) {
  greeted_ = true;
  greet();
  for (auto& f : early_) frames.push_back(std::move(f));
  early_.clear();
}

void RecordingPeer::drop(std::string_view reason) {
  closing_ = true;
  session.closed(reason);
}

// ---- SessionHarness ------------------------------------------------------------

nlohmann::json tribe_app() {
  return {{"name", "tribe"},
          {"dialect", "tribe"},
          {"routes", {"/api/v1/ws"}},
          {"jwt", {{"keys", {{{"alg", "HS256"}, {"secret", SessionHarness::kSecret}}}}}},
          {"callouts", {{"conversation_participant", {{"path", "/participants/{conversation_id}/{user_id}"}}}}}};
}

nlohmann::json winkr_app() {
  return {{"name", "winkr"},
          {"dialect", "winkr"},
          {"routes", {"/ws"}},
          {"token_sources", {"query:token"}},
          {"jwt", {{"keys", {{{"alg", "HS256"}, {"secret", SessionHarness::kSecret}}}}}},
          {"callouts", {{"conversation_access", {{"path", "/conversations/{conversation_id}/access/{user_id}"}}}}}};
}

SessionHarness::SessionHarness(nlohmann::json app_json) {
  app_json["backend"]["url"] = backend.url();
  if (!app_json.contains("listen")) app_json["listen"] = "127.0.0.1:0";
  nlohmann::json config = {{"gateway_id", "gw-test"}, {"nats", {{"enabled", false}}}, {"apps", {app_json}}};
  auto parsed = parse_config(config.dump());
  if (!parsed) ADD_FAILURE() << parsed.error();
  const AppConfig& app_config = parsed->apps.at(0);
  auto made = find_dialect(app_config.dialect)->make(app_config.options);
  if (!made) ADD_FAILURE() << made.error();
  fanout = std::make_unique<Fanout>(bus, 1, [this](std::size_t, std::function<void()> fn) { loop.post(std::move(fn)); });
  presence = std::make_unique<Presence>(bus, nullptr, "gw-presence", "gw-test");
  rates = std::make_unique<RateLimiter>(bus, "gw", "gw-test");
  services.gateway_id = "gw-test";
  services.subjects = Subjects("gw");
  services.bus = &bus;
  services.no_echo_bus = &bus;
  services.outbox = &outbox;
  services.fanout = fanout.get();
  services.metrics = &metrics;
  services.presence = presence.get();
  services.rates = rates.get();
  services.sessions.resize(1);
  services.expiries.resize(1);
  app = make_app_runtime(app_config, std::move(*made), metrics);
  rates->watch(app_config.name);
  // As the gateway does (nats.wildcard_rooms): a socket's own rooms share one subscription per kind.
  for (const char* kind : {"conn", "user"}) fanout->share("gw.out." + app_config.name + "." + kind, *app->adapter, *app->metrics);
}

SessionHarness::~SessionHarness() {
  // A socket still open goes away as a transport's would, before what is
  // still posted runs: the fan-out must not deliver to a freed peer.
  for (auto& peer : peers_)
    if (!peer->closing()) peer->drop("test_end");
  watches_.clear();
  loop.run_for(50ms);  // what is still posted runs while everything it touches lives
  outbox.stop();
}

std::string SessionHarness::token(const std::string& user, const nlohmann::json& claims) {
  nlohmann::json c = {{"sub", user}, {"name", user + " Name"}, {"exp", std::time(nullptr) + 3600}};
  c.update(claims);
  return mint_openssl("HS256", kSecret, c);
}

std::shared_ptr<RecordingPeer> SessionHarness::socket() {
  auto peer = std::make_shared<RecordingPeer>(loop, *app, services);
  peers_.push_back(peer);
  return peer;
}

std::shared_ptr<RecordingPeer> SessionHarness::upgrade(const std::string& target, const std::string& authorization,
                                                       const std::string& cookie, const std::string& origin) {
  auto peer = socket();
  UpgradeRequest request;
  request.target = target;
  request.websocket = true;
  request.authorization = authorization;
  request.cookie = cookie;
  request.origin = origin;
  UpgradeGate(peer->session, *peer).run(request);
  loop.run_until([&] { return peer->refused || peer->closed || peer->greeted(); });
  return peer;
}

std::shared_ptr<RecordingPeer> SessionHarness::connect(const std::string& user, const std::string& target) {
  auto peer = upgrade(target + (target.find('?') == std::string::npos ? "?" : "&") + "token=" + token(user));
  EXPECT_TRUE(peer->accepted && peer->session.is_open() && !peer->frames.empty()) << user << " on " << target;
  return peer;
}

bool SessionHarness::say(RecordingPeer& peer, const std::string& frame, std::size_t answers) {
  const std::size_t want = peer.frames.size() + answers;
  peer.session.on_text(frame);
  return loop.run_until([&] { return peer.frames.size() >= want; }, answers ? 5000ms : 200ms);
}

std::shared_ptr<std::vector<bus::Message>> SessionHarness::watch(const std::string& subject) {
  auto seen = std::make_shared<std::vector<bus::Message>>();
  watches_.push_back(bus.subscribe(subject, [this, seen](bus::Message&& m) {
    loop.post([seen, m = std::move(m)]() mutable { seen->push_back(std::move(m)); });
  }));
  bool flushed = false;
  bus.flush(1s, [this, &flushed](bus::BusError) { loop.post([&flushed] { flushed = true; }); });
  loop.run_until([&] { return flushed; });
  return seen;
}

bool SessionHarness::wait_for(const std::shared_ptr<std::vector<bus::Message>>& seen, std::size_t n) {
  return loop.run_until([&] { return seen->size() >= n; });
}

}  // namespace gangway::test
