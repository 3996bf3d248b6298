#pragma once
// Seed 000 ("circles"): the REST service behind the gateway, as far as the
// WebSocket contract needs it. The DM endpoints publish the user socket's
// notifications (dm_message, dm_reply, dm_media, dm_request, reaction) on
// <prefix>.out.circles.user.<recipient>, and messages and reads also on the
// thread (<prefix>.out.circles.dm.<thread_id>) as the seed's "message" and
// "read_receipt". The gateway stores a DM socket's message and mark_read
// through these same endpoints, with the user's own token
// (deploy/gangway.demo.json). Thread-safe: called concurrently from the HTTP
// server's worker threads.
#include <mutex>
#include <optional>
#include <string_view>
#include <variant>

#include "deploy/demo_backend/circles_shapes.hpp"
#include "deploy/demo_backend/http_reply.hpp"
#include "deploy/demo_backend/tokens.hpp"

namespace demo {

class CirclesApi {
 public:
  CirclesApi(CirclesStore& store, const Tokens& tokens, const CirclesOutbox& outbox)
      : store_(store), tokens_(tokens), outbox_(outbox) {}

  // POST /api/v1/circles/auth/login {"username","password"} → 200
  // {"access_token","token_type","user"} (token `sub` is the integer id as a string) | 401.
  HttpReply login(std::string_view body) const;
  // GET /api/v1/circles/me → the caller as {"id","name","avatar_url"}.
  HttpReply me(std::string_view bearer) const;
  // GET /api/v1/dms → the caller's threads.
  HttpReply list_threads(std::string_view bearer) const;
  // POST /api/v1/dms/requests {"to_user": 6} → 201 pending thread; dm_request to the recipient.
  HttpReply request_thread(std::string_view bearer, std::string_view body);
  // POST /api/v1/dms/{thread_id}/accept → 200 accepted thread (recipient only).
  HttpReply accept(std::string_view bearer, std::string_view thread_id);
  // POST /api/v1/dms/{thread_id}/messages {"text", "reply_to_id"?, "media_url"?}
  // → 201 message; "message" to the thread, dm_message|dm_reply|dm_media to the recipient.
  // 503 (nothing kept) if NATS is down.
  HttpReply post_message(std::string_view bearer, std::string_view thread_id, std::string_view body);
  // POST /api/v1/dms/{thread_id}/read (no body) → 200 {"user_id","last_read_at"};
  // "read_receipt" (the same) to the thread. 403 not a participant or not
  // accepted, 404 no thread, 503 NATS down.
  HttpReply mark_read(std::string_view bearer, std::string_view thread_id);
  // GET /api/v1/dms/{thread_id}/messages → oldest first (participants only).
  HttpReply list_messages(std::string_view bearer, std::string_view thread_id) const;
  // POST /api/v1/dms/{thread_id}/messages/{message_id}/reactions {"emoji"} → 201;
  // "reaction" {message_id, emoji, from_user, thread_id} to the other participant.
  HttpReply react(std::string_view bearer, std::string_view thread_id, std::string_view message_id,
                  std::string_view body);
  // POST /api/v1/places/{place_id}/checkins → 201 {"place_id","user_id","checked_in_at"}.
  HttpReply check_in(std::string_view bearer, std::string_view place_id);

  // The two endpoints above once the caller is known, for the NATS store
  // workers too (store_workers.hpp): `room` says whether the thread's event
  // is published here or left to the gateway. 403 for an unknown user.
  HttpReply add_message(std::int64_t user_id, std::string_view thread_id, const gangway::Json& body,
                        RoomEvent room);
  HttpReply record_read(std::int64_t user_id, std::string_view thread_id, RoomEvent room);

  static constexpr std::size_t kMaxTextBytes = 4000;

 private:
  std::optional<CirclesUser> caller(std::string_view bearer) const;
  // Fills text, reply_to_id and media_url of `m` from a post body; else the 422.
  std::optional<HttpReply> read_message(const gangway::Json& body, CirclesMessage& m) const;
  // The thread if the user may post in it (participant, accepted); else the error.
  std::variant<CirclesThread, HttpReply> writable_thread(const CirclesUser& u, std::string_view thread_id) const;

  CirclesStore& store_;
  const Tokens& tokens_;
  const CirclesOutbox& outbox_;
  std::mutex post_mutex_;  // store-then-publish is one step, so delivery order is storage order
};

}  // namespace demo
