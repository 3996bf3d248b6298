#pragma once
// Seed 001 ("pythia"): ws://{host}/ws?token=JWT, frames {"type": …}.
//
// Client types: join_channel, leave_channel, typing_indicator, ping,
// get_online_users. Server types: connection_established, channel_joined,
// channel_left, pong, online_users, and the events backends publish:
// new_message, message_reaction, typing_indicator, user_status, user_joined,
// user_left, mention_notification; errors are
// {"type":"error","error_code","message","details"} with the seed's codes.
//
// Rooms: channel/<id> per channel. On open the socket joins every channel the
// "user_channels" callout lists and announces user_status online there (first
// socket only); join_channel/get_online_users are checked by "channel_access".
// On close: user_status offline (last socket only) and, per the option
// "typing_stop_on_close", typing_indicator is_typing=false to those channels,
// because a stateless adapter cannot know whether the socket was typing.
//
// Options (the app's "options" in the config, pythia_options.hpp):
//   "max_auto_join_channels": int, default 1000 — extra channel ids are ignored
//   "typing_stop_on_close": "every_close" (default) | "last_socket" | "never"
#include "adapters/adapter.hpp"
#include "adapters/pythia/pythia_options.hpp"

namespace gangway::adapters {

class PythiaAdapter final : public Adapter {
 public:
  // The source of every frame's "timestamp"; tests fix it.
  using Clock = std::string (*)();
  explicit PythiaAdapter(pythia::Options options = {});
  explicit PythiaAdapter(Clock clock, pythia::Options options = {}) : clock_(clock), options_(options) {}

  std::string_view name() const override { return "pythia"; }
  Credential credential() const override { return Credential::query_token; }
  AuthFailure auth_failure() const override { return {401, 0}; }
  std::vector<std::string> required_callouts() const override;
  std::vector<std::string> callout_params(std::string_view callout) const override;

  OpenPlan plan_open(const SessionInfo& s) const override;
  Opened on_open(const SessionInfo& s) const override;

  Result<Action, DialectError> decode(std::string_view frame, const SessionInfo& s) const override;
  std::optional<std::string> encode(const Event& e, const RoomKey& room) const override;
  std::optional<std::string> encode_error(const DialectError& e) const override;

  std::vector<Action> on_close(const SessionInfo& s, const std::vector<RoomKey>& rooms) const override;
  std::vector<std::string> render_query(const Action& a, const Json& answer,
                                        const SessionInfo& s) const override;
  bool tracks_presence(const RoomKey& room) const override;

 private:
  Clock clock_;
  pythia::Options options_;
};

}  // namespace gangway::adapters
