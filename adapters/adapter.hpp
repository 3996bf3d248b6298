#pragma once
// The boundary between the core and one client protocol ("dialect").
//
// An adapter is pure translation: no I/O, no clocks other than now(), no state
// of its own. One instance is shared by every loop, so every method is const and
// thread-safe. Adding a dialect means a folder under adapters/, a line in
// adapters/registry.cpp and its config; nothing in gateway/ changes.
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
};

// The result of a successful open: frames to send first, rooms to join.
struct Opened {
  std::vector<std::string> frames;
  std::vector<RoomKey> rooms;
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

  // Runs on the session's loop once credentials are verified.
  virtual OpenPlan plan_open(const SessionInfo& s) const = 0;
  // Runs on the session's loop once every check in plan_open() allowed.
  virtual Opened on_open(const SessionInfo& s) const = 0;

  // Runs on the session's loop for every text frame. A bad frame returns a
  // DialectError (never throws); the socket stays open.
  virtual Result<Action, DialectError> decode(std::string_view frame, const SessionInfo& s) const = 0;

  // Runs once per NATS message per app, off the loops; the bytes are shared by
  // every recipient in `room`. nullopt: this dialect does not show the event.
  virtual std::optional<std::string> encode(const Event& e, const RoomKey& room) const = 0;

  // The dialect's error frame; nullopt where the seed says errors are silent.
  virtual std::optional<std::string> encode_error(const DialectError& e) const = 0;
};

}  // namespace gangway
