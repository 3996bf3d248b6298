#include "deploy/demo_backend/circles_internal.hpp"

#include <algorithm>

#include "gateway/core/clock.hpp"

namespace demo {

using gangway::Json;

namespace {

constexpr std::int64_t kDefaultWindowHours = 12;

}  // namespace

std::optional<HttpReply> CirclesInternal::check_access(std::int64_t thread_id, std::int64_t user_id) const {
  auto t = store_.thread(thread_id);
  if (!t) return error_reply(404, "Thread not found");
  if (std::find(t->participants.begin(), t->participants.end(), user_id) == t->participants.end())
    return error_reply(403, "Not a participant of this thread");
  if (t->status != "accepted") return error_reply(403, "Thread is not accepted");
  return std::nullopt;
}

HttpReply CirclesInternal::dm_access(std::string_view thread_id, std::string_view user_id) const {
  auto tid = parse_int_id(thread_id);
  auto uid = parse_int_id(user_id);
  if (!tid || !uid) return error_reply(404, "Thread not found");
  if (auto denied = check_access(*tid, *uid)) return *denied;
  Json t = thread_json(store_, *store_.thread(*tid));
  return {200, Json{{"thread_id", *tid}, {"status", t["status"]}, {"participants", t["participants"]}}};
}

HttpReply CirclesInternal::place_checkin(std::string_view place_id, std::string_view user_id,
                                         std::string_view window_hours) const {
  auto pid = parse_int_id(place_id);
  auto uid = parse_int_id(user_id);
  if (!pid || !uid) return error_reply(404, "Place not found");
  std::int64_t window = kDefaultWindowHours;
  if (!window_hours.empty()) {
    auto w = parse_int_id(window_hours);
    if (!w || *w == 0) return error_reply(400, "window_hours must be a positive integer");
    window = *w;
  }
  auto at = store_.last_check_in(*pid, *uid);
  if (!at || *at < gangway::unix_now() - window * 3600) return error_reply(403, "No recent check-in at this place");
  return {200, Json{{"place_id", *pid}, {"user_id", *uid}, {"checked_in_at", iso8601_at(*at)}, {"window_hours", window}}};
}

}  // namespace demo
