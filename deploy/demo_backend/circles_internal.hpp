#pragma once
// Seed 000 ("circles"): the lookups only the gateway calls, under
// /internal/circles/ (a real service's internal network): 2xx allows, 403/404
// denies. Messages and reads are stored on the public endpoints
// (circles_api.hpp), as the app's REST clients store them. Thread-safe.
#include <optional>
#include <string_view>

#include "deploy/demo_backend/circles_shapes.hpp"
#include "deploy/demo_backend/http_reply.hpp"

namespace demo {

class CirclesInternal {
 public:
  explicit CirclesInternal(const CirclesStore& store) : store_(store) {}

  // GET /internal/circles/dms/{thread_id}/access/{user_id} (callout dm_access):
  // 200 {"thread_id","status","participants":[…]} for a participant of an
  // accepted thread; 403 not a participant or not accepted; 404 no thread.
  HttpReply dm_access(std::string_view thread_id, std::string_view user_id) const;

  // GET /internal/circles/places/{place_id}/checkins/{user_id}?window_hours=N
  // (callout place_checkin; N defaults to 12): 200 {"place_id","user_id",
  // "checked_in_at","window_hours"} for a check-in within N hours, else 403.
  HttpReply place_checkin(std::string_view place_id, std::string_view user_id, std::string_view window_hours) const;

 private:
  // nullopt if the user may use the thread's socket; else 403/404.
  std::optional<HttpReply> check_access(std::int64_t thread_id, std::int64_t user_id) const;

  const CirclesStore& store_;
};

}  // namespace demo
