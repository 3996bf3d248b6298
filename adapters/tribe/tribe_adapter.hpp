#pragma once
// Seed 002 ("tribe"): ws://{host}/api/v1/ws?token=JWT, frames {"event": …}.
//
// Client events: subscribe, unsubscribe, typing, presence, ping.
// Server events: connected, message.new, typing, subscribed, pong, plus
// {"event":"error","code","message"[,"request_event"]} for bad frames, and any
// other event a backend publishes, rendered {"event","conversation_id"?,"data"}.
// A socket is always in its user room (the core joins it); conversation rooms
// are joined by "subscribe" once the conversation_participant callout allows.
#include "adapters/adapter.hpp"

namespace gangway::adapters {

class TribeAdapter final : public Adapter {
 public:
  std::string_view name() const override { return "tribe"; }
  Credential credential() const override { return Credential::query_token; }
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
