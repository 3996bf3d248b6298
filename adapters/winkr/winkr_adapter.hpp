#pragma once
// Seed 004 ("winkr"): ws://{host}/ws with "Authorization: Bearer JWT". Client
// frames are {"event": "noun:verb", "data": {...}}; every server frame is
// {"event", "data", "timestamp"}.
//
// Client events: message:send/read/delete, typing:start/stop,
// conversation:join/leave, user:status. Server events: connection:established,
// message:new/delivered/viewed/deleted, typing:indicator, user:online/offline,
// conversation:unread/joined/left, user:status_updated, connection:closed and
// error {code, message, details?, request_event?}.
//
// A socket is in its user room (the core joins it) and in every conversation it
// joined; each conversation action is checked by the conversation_access
// callout and needs the conversation joined first, so that its response event
// (fanned out to the room) reaches the sender. Sends, reads and deletes are
// persisted (kinds "message", "read", "delete") and the stored object is what
// the room sees.
#include "adapters/adapter.hpp"

namespace gangway::adapters {

class WinkrAdapter final : public Adapter {
 public:
  // The current UTC time as the seed writes it: "2025-01-01T12:00:00Z".
  using Clock = std::string (*)();
  static std::string system_clock();

  // Tests pass a fixed clock; the registry uses the system's.
  explicit WinkrAdapter(Clock clock = &system_clock) : clock_(clock) {}

  std::string_view name() const override { return "winkr"; }
  Credential credential() const override { return Credential::bearer; }
  // The seed's clients cannot read a frame before the upgrade: refuse with 401.
  AuthFailure auth_failure() const override { return {401, 0}; }
  std::vector<std::string> required_callouts() const override;
  std::vector<std::string> callout_params(std::string_view callout) const override;
  // message:new's "sender": {"id", "username", "avatar_url"}.
  std::optional<SenderField> sender_field(std::string_view event, const Json& profile) const override;

  OpenPlan plan_open(const SessionInfo& s) const override;
  Opened on_open(const SessionInfo& s) const override;

  Result<Action, DialectError> decode(std::string_view frame, const SessionInfo& s) const override;
  std::optional<std::string> encode(const Event& e, const RoomKey& room) const override;
  std::optional<std::string> encode_error(const DialectError& e) const override;

  // user:offline to every conversation the socket was in, once the user's last
  // socket there is gone.
  std::vector<Action> on_close(const SessionInfo& s, const std::vector<RoomKey>& rooms) const override;
  // connection:closed {reason, code, timestamp}.
  std::optional<std::string> encode_close(int code, std::string_view reason) const override;
  // 1008, whose connection:closed reason names the ending: "token_expired" or
  // "disconnected" (a disconnect's own reason is not shown).
  CloseFrame close_for(Ending why, std::string_view detail) const override;

  DialectLimits limits() const override;
  bool tracks_presence(const RoomKey& room) const override;

 private:
  Clock clock_;
};

}  // namespace gangway::adapters
