#pragma once
// What one socket's frames mean to the gateway: the engine of one session,
// from the moment its upgrade is allowed (upgrade_gate.hpp) to its close.
//
// It joins the socket's rooms (fan-out and presence), greets the client in
// its dialect, turns each frame into an Action through the app's adapter and
// runs it — authorization callout, rate limit, publish on gw.in, fan-out on
// gw.out, storage of persisted kinds, queries — and on close leaves its rooms
// and announces the disconnect. A socket's actions take effect in the order
// its frames came: while one waits (its authorization callout, its store,
// its join), the later ones wait behind it (session_order.cpp). It reaches
// its socket only through Peer (peer.hpp) and the rest of the gateway only
// through AppRuntime and Services (runtime.hpp), so tests drive it with a
// recording peer over LocalBus (tests/session/).
//
// Threads: every method runs on the socket's loop; answers from the bus and
// the callout pool come back through Peer::loopback. Owned by the socket
// (net::WsSession), which outlives every callback that reaches it.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/log.hpp"
#include "gateway/core/model.hpp"
#include "gateway/session/action_queue.hpp"
#include "gateway/session/peer.hpp"
#include "gateway/session/deadline_heap.hpp"
#include "gateway/session/room_set.hpp"
#include "gateway/session/runtime.hpp"

namespace gangway {

// The client's credentials, kept after the upgrade only where a callout
// forwards them (AppRuntime::forwards_bearer, forwards_cookie). Never logged.
struct Credentials {
  std::string token;   // the bearer token, from wherever the app takes it
  std::string cookie;  // the Cookie header
};

class Session {
 public:
  // `loop` is the index of the socket's loop (for the fan-out).
  Session(AppRuntime& app, Services& services, Peer& peer, std::size_t loop);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const SessionInfo& info() const { return info_; }
  // The gate fills in who is on the socket, and the credentials it keeps.
  SessionInfo& info() { return info_; }
  // Made on first use; the gate drops them unless a callout forwards them.
  Credentials& credentials() {
    if (!credentials_) credentials_ = std::make_unique<Credentials>();
    return *credentials_;
  }
  void drop_credentials() { credentials_.reset(); }
  bool keeps_credentials() const { return credentials_ != nullptr; }
  AppRuntime& app() const { return app_; }
  Services& services() const { return services_; }
  std::size_t loop() const { return loop_; }
  // Who this socket is, for a log line: app, connection id, user (once known).
  LogContext log_context() const { return {info_.app, info_.conn_id, info_.user.id}; }
  // Between open() and closed().
  bool is_open() const { return open_; }

  // Once the gate allowed the socket and the WebSocket is open: joins its
  // rooms (the standing ones and the dialect's) and, once the server has
  // every subscription, greets the client (Peer::greet), announces the
  // connect and runs the dialect's open actions.
  void open();
  // A text frame from the client: decoded by the dialect and executed (in
  // turn: after the socket's earlier actions); a bad one gets the dialect's
  // error and the socket stays open.
  void on_text(std::string_view frame);
  // A binary frame: the dialect's error; the socket stays open.
  void on_binary();
  // The socket is gone (`reason`: "client_closed", "server_closed", an I/O
  // error, "handshake_timeout"): withdraws its callouts not yet sent and, if
  // it was open, leaves every room, runs the dialect's close actions and
  // announces the disconnect (once). Actions still queued are dropped: none
  // was acknowledged, and nobody is left to tell.
  void closed(std::string_view reason);

  // The gateway ends this socket (an expired token, a disconnect): the
  // dialect's close (Adapter::close_for), at once; queued frames are dropped.
  // Nothing if it is not open or already closing.
  void end(Ending why, std::string_view detail = {});
  // Draining: closes with 1001 once the frames already queued are written —
  // at once, or, while stores are in flight, once each has answered and its
  // acknowledgement or error is queued. From now on a persisted frame gets
  // the dialect's "unavailable" error instead of being stored, and so do
  // those queued behind an action in flight.
  void drain();
  // The drain's deadline: each store still in flight is answered with the
  // dialect's store_failed error (it may or may not have been stored), each
  // queued one with "unavailable", and the socket closes with 1001; what the
  // stores answer later is dropped.
  void abandon_stores();
  std::size_t stores_in_flight() const { return stores_in_flight_; }
  bool draining() const { return ended_ == Ended::shutdown; }  // drain() or abandon_stores() was called

  // Calls the app's callout `call.name`, its template filled from `call`'s
  // params, this session's route params, user and kept claims; the
  // forwarded credentials. `done` runs on the loop while the socket is open
  // (else never); the socket is held alive until then, and the call is
  // withdrawn if the socket closes before it is sent. Unknown callout or no
  // backend: unavailable (fail closed). Counted and timed by outcome in
  // /metrics; an unavailable answer is logged (rate-limited). A store does
  // not use this: its answer must be published whoever is still connected
  // (session_store.cpp). The socket's next actions wait until `done` has
  // run (session_order.cpp).
  void call(const CalloutCall& call, std::function<void(backend::CalloutResult)> done);

 private:
  // Rooms and greeting (session.cpp)
  void greet(Opened&& plan);
  void join(const RoomKey& room, std::function<void()> ready);
  void leave(const RoomKey& room);
  bool tracked(const RoomKey& room) const;  // presence is kept for this room

  // Order (session_order.cpp): `execute` runs an action now if none is in
  // flight (the socket's usual case, at no cost), else queues it.
  void execute(Action&& action);
  void run_queued();  // runs what is queued, in order, until one waits again
  void resume_if_room();  // reads again once the queue is below max_queued_frames
  void refuse_queued_stores();  // draining: each queued persisted action gets the "restarting" error
  static DialectError restarting(std::string request_event);
  static DialectError rate_limited(const Action& action);
  // The wait of the action in flight is over: made first in the handler of
  // what it waited for (a callout's answer, a store's, a join's), so that
  // what the handler starts may wait in turn; once the handler is done, the
  // queued actions run.
  struct WaitOver {
    explicit WaitOver(Session& s) : session(s) { session.waiting_ = false; }
    ~WaitOver() { session.run_queued(); }
    WaitOver(const WaitOver&) = delete;
    WaitOver& operator=(const WaitOver&) = delete;
    Session& session;
  };

  // Actions (session_actions.cpp). `rated`: the rate limit was counted when
  // the frame came (it was queued).
  void run(Action&& action, bool rated);
  void answer(Action&& query);
  void send_error(DialectError error);
  // `next` gets the authorization's answer (null when there is no callout).
  void authorize_then(const Action& action, std::function<void(const Json& answer)> next);
  // An unsubscribe that announces itself (pythia's user_left): after leaving.
  void announce_leave(Action&& action);
  bool within_rate(const Action& action);
  void publish(Action&& action);
  void fan_out(const Action& action);
  // Draining: sends `event` (for `room`) to this socket now, and excludes
  // it from the room's copy, if it is one of its recipients.
  void keep_for_me(Event& event, const RoomKey& room);
  // `extra_members` is JSON text after the common members: `,"reason":"…"`.
  void publish_lifecycle(std::string_view what, std::string_view extra_members = {});
  // The token call() hands the callout client: over callouts_cancelled_,
  // sharing the socket's ownership (no allocation; a pending callout already
  // holds the socket until its answer has run).
  backend::CancelToken cancel_token();

  // Persisted kinds (session_store.cpp). `sender` is the profile the
  // event's sender fields are filled from (session_sender.cpp).
  void store_then_fan_out(Action&& action, Json sender);
  // What a store's request template reads besides the session's own values
  // (route, user, claims); read while the request is built.
  struct StoreValues {
    const Json* frame = nullptr;     // the client's frame, if the app's templates read it
    const Json* data = nullptr;      // the action's data
    const Json* envelope = nullptr;  // the gw.in envelope
  };
  // The app's callout `call` for this session into `request`: its template
  // values (route params, user, kept claims and, for a store, `store`'s),
  // forwarded credentials; the values point into this session and `store`,
  // so the request is handed to the callout client before either changes.
  // Null if the app has no such callout or no backend (--check-config refuses that).
  const backend::CalloutSpec* callout_request(const CalloutCall& call, const StoreValues* store,
                                              backend::CalloutRequest& request) const;

  // The sender of a stored message (session_sender.cpp): the app's profile
  // of this user ({"id","name","username","avatar_url"}), from the claims or
  // its profile callout, then the store.
  void store_with_sender(Action&& action);
  Json sender_profile(const Json* callout_answer) const;

  // A store has answered (its outcome already told to the client): counted
  // out, and the socket closes if it was only waiting for that (drain()).
  void store_settled();

  // Where the loop's expiry heap (Services::expiries) keeps this session.
  friend std::uint32_t& deadline_slot(Session& s) { return s.deadline_slot_; }
  // Why the gateway closed it, for the disconnect event; none: the transport's reason.
  enum class Ended : std::uint8_t { none, token_expired, disconnected, shutdown };

  AppRuntime& app_;
  Services& services_;
  Peer& peer_;
  std::uint32_t loop_;  // 32 bits: the flag below takes the rest of the word
  // Set when the socket closes; every pending callout of this session reads it
  // through its token (cancel_token()), from the callout client's threads.
  std::atomic<bool> callouts_cancelled_{false};
  SessionInfo info_;
  // Only while upgrading, and after where a callout forwards them: most
  // sockets keep none, and two empty strings inline were 64 bytes each.
  std::unique_ptr<Credentials> credentials_;
  RoomSet rooms_;
  std::chrono::steady_clock::time_point opened_at_;
  ActionQueue queued_;  // behind the action in flight (session_order.cpp)
  // These share one 8-byte word (the flags are bits of what was open_'s byte).
  std::uint32_t deadline_slot_ = DeadlineHeap<Session>::kNotQueued;
  std::uint16_t stores_in_flight_ = 0;  // sent, answer not yet handled (more are refused)
  Ended ended_ = Ended::none;           // shutdown: drain() was called
  bool open_ : 1 = false;               // between open() and closed()
  bool waiting_ : 1 = false;            // an action is in flight: the next ones queue
  bool running_queue_ : 1 = false;      // run_queued() is on the stack
  bool reads_paused_ : 1 = false;       // queued_ is full: Peer::pause_reading()
};

}  // namespace gangway
