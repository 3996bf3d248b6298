#pragma once
// Seed 003 ("social"): ws://{host}/ws, authenticated by the session cookie
// (the app's "session" config names the cookie and the callout that turns it
// into a user), frames {"type": …}.
//
// Client types: private {to, content, timestamp?}, group {group_id, content,
// timestamp?}, broadcast {content, timestamp?} (administrators only).
// Server types: private, group, broadcast, notification (subtype, message, …).
//
// Rooms: the core joins every socket to user/<id> (private messages and
// notifications) and all (broadcasts); plan_open's "user_groups" callout lists
// the user's accepted groups and on_open joins group/<id> for each.
//
// Silence, as the seed says: a frame that is not JSON, has no known type, or
// lacks (or mistypes) a required field is dropped without an answer; a private
// message to a user who is offline reaches nobody. Errors the seed does not
// cover get {"type":"error","code":<code>,"message":<text>}, with code one of
//   forbidden     a group send by a non-member, a broadcast by a non-admin
//   unavailable   the membership check or the message bus is down
//   store_failed  a private/group message could not be stored
//   rate_limited  a configured per-user rate was exceeded
//   not_joined, too_large, internal   (the core's; not expected in this dialect)
#include "adapters/adapter.hpp"

namespace gangway::adapters {

class SocialAdapter final : public Adapter {
 public:
  std::string_view name() const override { return "social"; }
  Credential credential() const override { return Credential::cookie; }
  AuthFailure auth_failure() const override { return {401, 0}; }
  std::vector<std::string> required_callouts() const override;
  std::vector<std::string> callout_params(std::string_view callout) const override;

  OpenPlan plan_open(const SessionInfo& s) const override;
  Opened on_open(const SessionInfo& s) const override;

  Result<Action, DialectError> decode(std::string_view frame, const SessionInfo& s) const override;
  std::optional<std::string> encode(const Event& e, const RoomKey& room) const override;
  std::optional<std::string> encode_error(const DialectError& e) const override;
};

}  // namespace gangway::adapters
