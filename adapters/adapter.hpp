#pragma once
// The boundary between the core and one client protocol ("dialect").
//
// An adapter is pure translation: no I/O, no clocks other than now(), no state
// but its app's options, validated when the config is loaded (registry.hpp).
// One instance per app is shared by every loop, so every method is const and
// thread-safe. Adding a dialect means a folder under adapters/, a line in
// adapters/registry.cpp and its config; nothing in gateway/ changes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/model.hpp"
#include "gateway/core/result.hpp"

namespace gangway {

// Where a dialect's clients put their credentials.
enum class Credential { query_token, bearer, cookie };

// What the client sees when authentication fails.
struct AuthFailure {
  int http_status = 401;  // refuse the upgrade with this status (nothing else is sent)...
  int close_code = 0;     // ...or, if non-zero, accept and close with this WebSocket code
};

// What a dialect does when a socket opens, after authentication.
struct OpenPlan {
  std::vector<CalloutCall> checks;  // all must allow; bodies land in SessionInfo::context
  int forbidden_close_code = 0;     // a denied check closes with this code (0: refuse with 403)
  int refuse_close_code = 0;        // non-zero: the dialect itself refuses; accept and close with it
};

// The result of a successful open: frames to send first, rooms to join, then
// actions run as if the client had sent them (queries such as circles'
// thread_info, presence announcements).
struct Opened {
  std::vector<std::string> frames;
  std::vector<RoomKey> rooms;
  std::vector<Action> actions;
};

// Why the gateway ends an open socket of its own accord (besides draining,
// 1001, and the transport's limits: 1008 slow consumer, 1009 too big).
enum class Ending : std::uint8_t {
  token_expired,  // the token's `exp` (plus jwt.leeway_s) has passed
  disconnected,   // a backend or an operator disconnected the user or the socket (docs/nats.md, "Control")
};

// A close frame: its code and reason text (at most 123 bytes of UTF-8).
struct CloseFrame {
  int code = 1008;
  std::string reason;
};

// A rate: at most `count` per `window_s` seconds, per user across gateways.
struct Rate {
  int count = 0;
  int window_s = 0;
};

// A dialect's own limits (seed 004 has many); the app's config overrides them.
struct DialectLimits {
  std::size_t max_frame_bytes = 0;  // 0: the gateway's default
  int idle_timeout_s = 0;           // no pong for this long closes; a ping goes out at half
  int handshake_timeout_s = 0;
  int max_connections_per_user = 0;    // 0: unlimited
  int connections_per_minute = 0;      // upgrade attempts per user per minute; 0: unlimited
  std::map<std::string, std::vector<Rate>> rates;  // by publish kind: "message", "typing", …
};

// Where a stored message's event shows its sender (Adapter::sender_field).
struct SenderField {
  std::string pointer;  // a JSON pointer into the event's data, e.g. "/sender"
  Json value;           // the sender as the dialect shows it
};

class Adapter {
 public:
  virtual ~Adapter() = default;

  virtual std::string_view name() const = 0;

  // Where the dialect carries its credential by default (the config may add others).
  virtual Credential credential() const = 0;
  virtual AuthFailure auth_failure() const = 0;

  // Callout names this dialect needs in the app's config (checked by --check-config).
  virtual std::vector<std::string> required_callouts() const = 0;

  // The template parameters this dialect fills in its calls of `callout`
  // (CalloutCall::params) from something other than the route: a frame's
  // field, an option. The core fills the route's parameters and user_id
  // itself. --check-config refuses a callout whose template names a
  // parameter nothing fills (a socket would fail every call). Default: none.
  virtual std::vector<std::string> callout_params(std::string_view callout) const {
    (void)callout;
    return {};
  }

  // For a stored message's `event` (the gateway built it: JetStream, or a
  // store that answers no sender): where its data shows the sender, and the
  // sender as this dialect shows `profile` ({"id", "name", "username",
  // "avatar_url"}, from the app's "sender" config). nullopt: the event shows
  // no sender. Runs on the session's loop. Default: none.
  virtual std::optional<SenderField> sender_field(std::string_view event, const Json& profile) const {
    (void)event, (void)profile;
    return std::nullopt;
  }

  // Runs on the session's loop once credentials are verified.
  virtual OpenPlan plan_open(const SessionInfo& s) const = 0;
  // Runs on the session's loop once every check in plan_open() allowed.
  virtual Opened on_open(const SessionInfo& s) const = 0;

  // Runs on the session's loop for every text frame. A bad frame returns a
  // DialectError (never throws); the socket stays open.
  virtual Result<Action, DialectError> decode(std::string_view frame, const SessionInfo& s) const = 0;

  // Runs once per NATS message per app, on the first loop that delivers it
  // (fanout.hpp); the bytes are shared by every recipient in `room`, on every
  // loop. nullopt: this dialect does not show the event.
  virtual std::optional<std::string> encode(const Event& e, const RoomKey& room) const = 0;

  // The dialect's error frame; nullopt where the seed says errors are silent.
  virtual std::optional<std::string> encode_error(const DialectError& e) const = 0;

  // Runs on the session's loop after the socket closed: publish actions only
  // (presence going offline). Default: nothing.
  // `rooms` are the rooms the socket was in.
  virtual std::vector<Action> on_close(const SessionInfo&, const std::vector<RoomKey>& rooms) const {
    (void)rooms;
    return {};
  }

  // A frame sent just before the server closes a socket (drain, slow consumer);
  // nullopt: none. Default: none.
  virtual std::optional<std::string> encode_close(int code, std::string_view reason) const {
    (void)code, (void)reason;
    return std::nullopt;
  }

  // The close for a socket the gateway ends (Ending); `detail` is the reason
  // a disconnect named, else empty. Default, for dialects whose seed has no
  // close codes: 1008 (policy violation) with `detail`, or "Token expired" /
  // "Disconnected". None of the seeds lets a client present a new token on
  // an open socket, so an expired one is always closed (docs/dialects.md).
  virtual CloseFrame close_for(Ending why, std::string_view detail) const {
    if (!detail.empty()) return {1008, std::string(detail)};
    return {1008, why == Ending::token_expired ? "Token expired" : "Disconnected"};
  }

  // Runs on the session's loop with the answer to a query Action (Action::Query):
  //   online_users (room)            -> {"users": ["u1", …]}   users with a socket in the room, cluster-wide
  //   user_online  (room user/<id>)  -> {"online": true|false}
  // Returns the frames to send. Default: nothing.
  virtual std::vector<std::string> render_query(const Action&, const Json&, const SessionInfo&) const {
    return {};
  }

  // Limits from the seed; the app's config wins where it sets one.
  virtual DialectLimits limits() const { return {}; }

  // Rooms whose members are tracked cluster-wide for presence (queries and
  // online/offline transitions). User rooms always are. Default: none else.
  virtual bool tracks_presence(const RoomKey&) const { return false; }
};

}  // namespace gangway
