#pragma once
// Whether an upgrade request becomes a session: route, origin,
// authentication, connection limits and the dialect's open checks, in that
// order. The verdict is one of
//   refuse(status)            a bare HTTP answer (404, 426, 403, 401, 429, 503);
//   accept, then close(code)  where the dialect's seed closes after accepting
//                             (circles' 4401 and 4403, AuthFailure/OpenPlan);
//   accept, then open         the session starts (Session::open).
// Refusals before accepting say nothing else: a client learns no reason a
// token failed. Every refusal is counted by reason (gangway_errors_total) and
// logged with it ("upgrade refused", rate-limited): the reason class, the
// status or close code, never the token or the cookie.
//
// On the socket's loop; what waits for a callout (cookie authentication, open
// checks) comes back there through the session's Session::call.
#include <string_view>

#include "gateway/session/peer.hpp"
#include "gateway/session/session.hpp"

namespace gangway {

// What the transport read of the upgrade request; views into it, valid during run().
struct UpgradeRequest {
  std::string_view target;         // path and query, as sent
  bool websocket = false;          // a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket, …)
  std::string_view origin;         // Origin header, empty if none
  std::string_view authorization;  // Authorization header
  std::string_view cookie;         // Cookie header
};

class UpgradeGate {
 public:
  // `session` is filled in (who is on the socket, route params, the
  // credentials it keeps) and opened if allowed; both outlive the gate's
  // callbacks (the socket holds them).
  UpgradeGate(Session& session, Handshake& handshake) : session_(&session), handshake_(&handshake) {}

  void run(const UpgradeRequest& request) const;

 private:
  bool origin_allowed(std::string_view origin) const;
  // The token from the app's sources (bearer, query), verified; false if none verifies.
  bool authenticate_token(const UpgradeRequest& request, const Params& query) const;
  void authenticate_cookie(std::function<void(bool)> done) const;
  // Marks an admin and keeps only the credentials a callout forwards.
  void settle(const Json& claims) const;
  void authenticated(bool ok) const;
  bool within_connection_limits() const;
  void check_open() const;
  void run_checks(std::shared_ptr<std::vector<CalloutCall>> checks, std::size_t i,
                  std::function<void(backend::CalloutResult::Outcome)> done) const;
  // Counts and logs a refusal; `answer` is the HTTP status or the close code the client gets.
  void refused(std::string_view reason, int answer) const;
  // Counts (by reason only), logs with `fields` and answers `status`.
  void refuse(unsigned status, std::string_view reason, Json fields) const;
  void log_refusal(std::string_view reason, int answer, Json fields) const;
  void accept_then_close(int code, std::string_view why, std::string_view reason) const;

  Session* session_;
  Handshake* handshake_;
};

}  // namespace gangway
