#pragma once
// Seed 000 ("circles"): the endpoints only the gateway calls, under
// /internal/circles/. Callouts answer 2xx to allow and 403/404 to deny;
// the store endpoints receive the gateway's gw.in envelope
// {id, app, kind, room{kind,id}, user{id,name}, conn, gateway, received_at, data}
// and answer the stored object, which the gateway fans out in place of `data`.
// Thread-safe.
#include <optional>
#include <string_view>
#include <variant>

#include "deploy/demo_backend/circles_shapes.hpp"
#include "deploy/demo_backend/http_reply.hpp"

namespace demo {

class CirclesInternal {
 public:
  CirclesInternal(CirclesStore& store, const CirclesOutbox& outbox) : store_(store), outbox_(outbox) {}

  // GET /internal/circles/dms/{thread_id}/access/{user_id} (callout dm_access):
  // 200 {"thread_id","status","participants":[…]} for a participant of an
  // accepted thread; 403 not a participant or not accepted; 404 no thread.
  HttpReply dm_access(std::string_view thread_id, std::string_view user_id) const;

  // GET /internal/circles/places/{place_id}/checkins/{user_id}?window_hours=N
  // (callout place_checkin; N defaults to 12): 200 {"place_id","user_id",
  // "checked_in_at","window_hours"} for a check-in within N hours, else 403.
  HttpReply place_checkin(std::string_view place_id, std::string_view user_id, std::string_view window_hours) const;

  // POST /internal/circles/messages (persist, kind "message"): stores
  // data.text from user.id in thread room.id; 201 with the seed's message
  // object. Also tells the other participant's user socket (dm_message).
  HttpReply store_message(std::string_view envelope);

  // POST /internal/circles/reads (persist, kind "read"): records last_read_at
  // for user.id in thread room.id; 200 {"user_id","last_read_at"}.
  HttpReply store_read(std::string_view envelope);

 private:
  struct Sender {
    CirclesThread thread;
    CirclesUser user;
    gangway::Json data;
  };
  // The envelope's thread and user, checked like dm_access; else the error reply.
  std::variant<Sender, HttpReply> sender_of(std::string_view envelope) const;
  // nullopt if the user may use the thread's socket; else 403/404.
  std::optional<HttpReply> check_access(std::int64_t thread_id, std::int64_t user_id) const;

  CirclesStore& store_;
  const CirclesOutbox& outbox_;
};

}  // namespace demo
