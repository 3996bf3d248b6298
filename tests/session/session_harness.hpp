#pragma once
// A session engine with everything but a socket: an in-process bus that a
// test can take down, the fan-out, presence and rate limits over it, a test
// HTTP backend for the callouts, and a recording peer whose "loop" is the test
// thread. No socket, no nats-server: each test drives an upgrade and frames
// and reads what the client would have received.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/bus/local_bus.hpp"
#include "gateway/session/session.hpp"
#include "gateway/session/upgrade_gate.hpp"
#include "tests/support/test_backend.hpp"

namespace gangway::test {

using namespace std::chrono_literals;

// What the engine posts to its loop runs here, on the test thread.
class TestLoop {
 public:
  void post(std::function<void()> fn);  // any thread
  // Runs posted work until `done()` holds (true) or `timeout` passes (false).
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s);
  // Runs whatever arrives for `d` (to show that nothing more comes).
  void run_for(std::chrono::milliseconds d);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
};

// The in-process bus, which a test can take "down": publishes are refused
// and requests, acks and flushes fail with not_connected, as NatsBus does
// while disconnected. Subscriptions keep working (they are the server's).
class SwitchableBus final : public bus::Bus {
 public:
  bool down = false;
  std::unique_ptr<bus::Subscription> subscribe(const std::string& subject, bus::Handler handler) override {
    return local_.subscribe(subject, std::move(handler));
  }
  bus::BusError publish(const std::string& subject, std::string_view data, const bus::Headers& headers) override;
  void request(const std::string& subject, std::string_view data, std::chrono::milliseconds timeout,
               ReplyFn done) override;
  void publish_durable(const std::string& subject, std::string_view data, const std::string& msg_id,
                       std::chrono::milliseconds timeout, AckFn done) override;
  void flush(std::chrono::milliseconds timeout, AckFn done) override { local_.flush(timeout, std::move(done)); }
  bool connected() const override { return !down; }
  void on_state_change(std::function<void(bool)>) override {}

 private:
  bus::LocalBus local_;
};

// A socket as the engine sees it, recording what it was told.
class RecordingPeer final : public Peer, public Handshake, public std::enable_shared_from_this<RecordingPeer> {
 public:
  RecordingPeer(TestLoop& loop, AppRuntime& app, Services& services);

  Session session;
  std::vector<std::string> frames;          // sent to the client, in order (after the greeting)
  std::optional<unsigned> refused;          // the HTTP status of a refused upgrade
  bool accepted = false;                    // the WebSocket handshake completed
  std::optional<std::pair<int, std::string>> closed;  // the close the server started
  bool reading_paused = false;              // between pause_reading() and resume_reading()
  int pauses = 0;                           // times reading paused

  // Handshake
  void refuse(unsigned status) override { refused = status; }
  void accept(std::function<void()> then) override;
  void close(int code, std::string_view reason) override;
  // Peer
  void finish(int code, std::string_view reason) override { close(code, reason); }
  Session& engine() override { return session; }
  SendResult send(const Frame& frame) override;
  const SessionInfo& info() const override { return session.info(); }
  void greet(const std::function<void()>& greet) override;
  bool closing() const override { return closing_; }
  void pause_reading() override { pauses += !reading_paused, reading_paused = true; }
  void resume_reading() override { reading_paused = false; }
  void post(std::function<void()> fn) override { loop_.post(std::move(fn)); }
  std::shared_ptr<Peer> shared() override { return shared_from_this(); }

  // The client goes away: the engine hears the socket closed.
  void drop(std::string_view reason = "client_closed");
  // Open and settled: every room joined, the greeting (if the dialect has one)
  // sent and the connect event published.
  bool greeted() const { return greeted_; }

 private:
  TestLoop& loop_;
  bool greeted_ = false;
  bool closing_ = false;
  std::vector<std::string> early_;  // events before the greeting, sent after it
};

// A tribe app as the session tests know it: HS256 tokens signed with
// SessionHarness::kSecret, the conversation_participant callout on the test
// backend at /participants/{conversation_id}/{user_id}.
nlohmann::json tribe_app();
// A winkr app on /ws (tokens in ?token=), the conversation_access callout on
// the test backend at /conversations/{conversation_id}/access/{user_id}; the
// tests add their stores.
nlohmann::json winkr_app();

// One app (its config as in the config file's "apps") and the services around it.
class SessionHarness {
 public:
  // `app` is an app's JSON config; "backend.url" is filled in with the test
  // backend's. Fails the test if the config does not load.
  explicit SessionHarness(nlohmann::json app);
  ~SessionHarness();

  static constexpr const char* kSecret = "session-test-secret-0123456789abcdef";
  // An HS256 token for `user` (more claims merged in), valid for an hour.
  static std::string token(const std::string& user, const nlohmann::json& claims = nlohmann::json::object());

  // A new socket (not upgraded yet).
  std::shared_ptr<RecordingPeer> socket();
  // Runs the gate on `target` with these headers, then the loop until the
  // upgrade is decided: refused, closed, or greeted (also in a dialect that
  // sends no greeting frame, e.g. social).
  std::shared_ptr<RecordingPeer> upgrade(const std::string& target, const std::string& authorization = "",
                                         const std::string& cookie = "", const std::string& origin = "");
  // A socket of `user` upgraded on `target` + "?token=…", greeted.
  std::shared_ptr<RecordingPeer> connect(const std::string& user, const std::string& target);

  // Sends a client frame and runs the loop until the peer has received
  // `answers` more frames (true) or nothing more comes (false).
  bool say(RecordingPeer& peer, const std::string& frame, std::size_t answers = 1);
  // Collects what is published on `subject` (wildcards allowed) from now on.
  std::shared_ptr<std::vector<bus::Message>> watch(const std::string& subject);
  // Runs the loop until `seen` holds `n` messages.
  bool wait_for(const std::shared_ptr<std::vector<bus::Message>>& seen, std::size_t n);

  TestLoop loop;
  bus::Outbox outbox{1 << 20, 20ms};  // small and quick, for the tests that take the bus down; stopped before the bus goes
  SwitchableBus bus;
  TestBackend backend;
  Metrics metrics;
  std::unique_ptr<Fanout> fanout;
  std::unique_ptr<Presence> presence;
  std::unique_ptr<RateLimiter> rates;
  Services services;
  std::unique_ptr<AppRuntime> app;

 private:
  std::mutex seen_mu_;
  std::vector<std::unique_ptr<bus::Subscription>> watches_;
  // Every socket made, held to the end: the destructor drops those still
  // open while the loop, the fan-out and the app they use live (declared
  // last, so released first).
  std::vector<std::shared_ptr<RecordingPeer>> peers_;
};

}  // namespace gangway::test
