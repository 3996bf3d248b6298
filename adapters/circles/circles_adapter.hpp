#pragma once
// Seed 000 ("circles"): three sockets on one app, JWT in ?token=, frames {"type": …}.
//
//   /ws/dms/{thread_id}          room dm/<thread_id>; the dm_access callout must allow
//                                (participant and thread `accepted`), else close 4403.
//                                On open: connection_established, thread_info (participants
//                                from the callout's body, other_user_online from a
//                                cluster-wide online_users query), presence online to the
//                                other participant. Client: ping, typing, message
//                                (persisted), mark_read (persisted), reaction (ephemeral).
//   /ws/user/{user_id}           room user/<user_id> (joined by the core); the token's user
//                                must be {user_id}, else close 4401. Client: ping. Receives
//                                whatever the REST services publish for the user
//                                (dm_message, dm_reply, dm_media, dm_request, reaction).
//   /ws/places/{place_id}/chat   room place/<place_id>; the place_checkin callout must allow
//                                (a check-in within the option window_hours, default 12), else
//                                close 4403. Client: ping, typing, message (ephemeral).
//
// A missing or invalid token accepts the upgrade and closes with 4401.
//
// Error frame (the seed has none; chosen for circles and documented here):
//   {"type":"error","code":"<gangway error code>","message":"<human-readable detail>"}
// e.g. {"type":"error","code":"unknown_type","message":"unknown type 'foo'"}. Codes are
// those of gangway::ErrorCode (invalid_json, missing_field, invalid_field, invalid_id,
// too_large, binary_frame, not_joined, rate_limited, unavailable, store_failed, …).
//
// Where the seed leaves shapes open (documented choices):
//   place message   {"type":"message","place_id":1,"user_id":8,"text":"…","timestamp":"…"}
//   place typing    the DM typing frame {"type":"typing","user_id":8,"typing":true,"timestamp":"…"}
//   notifications   {"type": <event name>} followed by the published data's fields, flat.
#include "adapters/adapter.hpp"
#include "adapters/circles/circles_socket.hpp"

namespace gangway::adapters {

class CirclesAdapter final : public Adapter {
 public:
  explicit CirclesAdapter(circles::Options options = {}) : options_(options) {}

  std::string_view name() const override { return "circles"; }
  Credential credential() const override { return Credential::query_token; }
  AuthFailure auth_failure() const override { return {0, 4401}; }
  std::vector<std::string> required_callouts() const override;
  std::vector<std::string> callout_params(std::string_view callout) const override;
  std::optional<SenderField> sender_field(std::string_view event, const Json& profile) const override;

  OpenPlan plan_open(const SessionInfo& s) const override;
  Opened on_open(const SessionInfo& s) const override;

  Result<Action, DialectError> decode(std::string_view frame, const SessionInfo& s) const override;
  std::optional<std::string> encode(const Event& e, const RoomKey& room) const override;
  std::optional<std::string> encode_error(const DialectError& e) const override;

  std::vector<Action> on_close(const SessionInfo& s, const std::vector<RoomKey>& rooms) const override;
  std::vector<std::string> render_query(const Action& a, const Json& answer, const SessionInfo& s) const override;
  bool tracks_presence(const RoomKey& room) const override;
  // The seed's 4401 (Unauthorized) for an expired token and for a disconnect.
  CloseFrame close_for(Ending why, std::string_view detail) const override {
    auto frame = Adapter::close_for(why, detail);
    frame.code = 4401;
    return frame;
  }

 private:
  circles::Options options_;
};

}  // namespace gangway::adapters
