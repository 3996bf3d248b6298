#include "adapters/winkr/winkr_adapter.hpp"

#include "adapters/winkr/winkr_decode.hpp"
#include "adapters/winkr/winkr_frames.hpp"
#include "gateway/core/clock.hpp"

namespace gangway::adapters {

std::string WinkrAdapter::system_clock() {
  // "2025-01-01T12:00:00.123Z" -> "2025-01-01T12:00:00Z", the seed's precision.
  std::string now = iso8601_now();
  return now.size() > 19 ? now.substr(0, 19) + "Z" : now;
}

std::vector<std::string> WinkrAdapter::required_callouts() const {
  return {std::string(winkr::kAccessCallout)};
}

std::vector<std::string> WinkrAdapter::callout_params(std::string_view callout) const {
  if (callout == winkr::kAccessCallout) return {"conversation_id"};  // the frame's conversation
  return {};
}

std::optional<SenderField> WinkrAdapter::sender_field(std::string_view event, const Json& profile) const {
  if (event != "message:new") return std::nullopt;
  auto field = [&profile](const char* key) { return profile.is_object() ? profile.value(key, Json()) : Json(); };
  Json username = field("username");
  // As typing:indicator and user:online name the user: the id when there is no username.
  if (!username.is_string() || username.get_ref<const std::string&>().empty()) username = field("id");
  return SenderField{"/sender", Json{{"id", field("id")}, {"username", username}, {"avatar_url", field("avatar_url")}}};
}

OpenPlan WinkrAdapter::plan_open(const SessionInfo&) const { return {}; }

Opened WinkrAdapter::on_open(const SessionInfo& s) const {
  std::string now = clock_();
  Json data{{"user_id", s.user.id}, {"connection_id", s.conn_id}, {"timestamp", now}};
  // No rooms: the core joins the user room; conversations are joined on request.
  return Opened{{winkr::envelope("connection:established", data, now)}, {}, {}};
}

Result<Action, DialectError> WinkrAdapter::decode(std::string_view frame, const SessionInfo& s) const {
  return winkr::decode_frame(frame, s, clock_());
}

std::optional<std::string> WinkrAdapter::encode(const Event& e, const RoomKey&) const {
  if (e.frame) return render(*e.frame);
  if (e.name.empty()) return std::nullopt;
  return winkr::envelope(e.name, winkr::normalize(e.name, e.data), clock_());
}

std::optional<std::string> WinkrAdapter::encode_error(const DialectError& e) const {
  return winkr::envelope("error", winkr::error_data(e), clock_());
}

std::vector<Action> WinkrAdapter::on_close(const SessionInfo& s, const std::vector<RoomKey>& rooms) const {
  std::vector<Action> out;
  std::string now = clock_();
  for (const RoomKey& room : rooms)
    if (tracks_presence(room)) out.push_back(winkr::offline_action(s, room, now));
  return out;
}

std::optional<std::string> WinkrAdapter::encode_close(int code, std::string_view reason) const {
  std::string now = clock_();
  Json data{{"reason", winkr::close_reason(code, reason)}, {"code", code}, {"timestamp", now}};
  return winkr::envelope("connection:closed", data, now);
}

CloseFrame WinkrAdapter::close_for(Ending why, std::string_view) const {
  return {1008, std::string(why == Ending::token_expired ? winkr::kTokenExpired : winkr::kDisconnected)};
}

DialectLimits WinkrAdapter::limits() const {
  DialectLimits l;
  l.max_frame_bytes = 32 * 1024;
  l.idle_timeout_s = 60;  // the pong wait; the 30 s ping interval is half of it
  l.handshake_timeout_s = 30;
  l.max_connections_per_user = 5;
  l.connections_per_minute = 10;
  l.rates["message"] = {{30, 60}, {500, 3600}, {2000, 86400}};
  l.rates["typing"] = {{20, 60}};
  return l;
}

bool WinkrAdapter::tracks_presence(const RoomKey& room) const { return room.kind == winkr::kConversation; }

}  // namespace gangway::adapters
