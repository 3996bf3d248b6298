#pragma once
// Seed 003 ("social"): the REST service behind the gateway's social app. Each
// method is one endpoint's logic, taking the Cookie header, query parameters
// or raw body, and returning status + JSON; routes_social.cpp binds them to
// HTTP. Public endpoints are cookie-authenticated (cookie kCookie, 401
// without a valid session). Thread-safe.
#include <string>
#include <string_view>

#include "deploy/demo_backend/http_reply.hpp"
#include "deploy/demo_backend/publisher.hpp"
#include "deploy/demo_backend/social_store.hpp"
#include "gateway/core/subject.hpp"

namespace demo {

class SocialApi {
 public:
  static constexpr const char* kCookie = "session_id";

  // The references must outlive the api. `subjects` carries the NATS prefix.
  SocialApi(SocialStore& store, Publisher& publisher, gangway::Subjects subjects);

  // ---- public (seed 003's HTTP API and the login it presumes) ----
  // POST /api/login, form or JSON {"username","password"} → 200 {"user_id",
  // "username","is_admin"} and `session` = a new token for the cookie | 400 | 401.
  HttpReply login(std::string_view content_type, std::string_view body, std::string& session);
  // POST /api/logout → 204; the session stops working, and the user's social
  // sockets are closed on every gateway (<prefix>.ctl.social.disconnect.user.<id>
  // {"reason":"logout"}; a socket does not say which session opened it).
  // The logout stands even if that publish fails (logged).
  HttpReply logout(std::string_view cookie_header);
  // GET /api/messages/private?user=&limit=50&offset=0 → [{"type","to","content","timestamp"}], newest first.
  HttpReply private_messages(std::string_view cookie_header, const gangway::Params& query) const;
  // GET /api/messages/group?group=&limit=50&offset=0 → [{"type","group_id","content","timestamp"}],
  // newest first; 403 unless the caller is an accepted member.
  HttpReply group_messages(std::string_view cookie_header, const gangway::Params& query) const;
  // POST /api/messages/private {"to","content","timestamp"?} → 201 the stored
  // message {"id","type","from","to","content","timestamp"} (timestamp: Unix
  // seconds, now if absent), published as "private" on user/<to>, the
  // recipient's sockets. 404 no such recipient, 422 bad data, 503 NATS down
  // (nothing stored). The gateway stores a socket's "private" frame here,
  // with the sender's own cookie (deploy/gangway.demo.json).
  HttpReply post_private(std::string_view cookie_header, std::string_view body);
  // POST /api/messages/group {"group_id","content","timestamp"?} → 201
  // {"id","type","from","group_id","content","timestamp"} (group_id a string),
  // published as "group" on group/<id> to every member but the sender. 403
  // not an accepted member, 404 no such group, 422, 503 as above.
  HttpReply post_group(std::string_view cookie_header, std::string_view body);
  // POST /api/groups/invite {"group_id","user_id","group_name"?} → 201: a pending
  // membership, a stored notification and a live group_invite notification on
  // user/<user_id>. 400 bad data, no such group/user, or already a member;
  // 403 the caller is not an accepted member.
  HttpReply invite(std::string_view cookie_header, std::string_view body);
  // GET /api/notifications?limit=20&offset=0 → [{"id","type","message","is_read","created_at"}], newest
  // first.
  HttpReply notifications(std::string_view cookie_header, const gangway::Params& query) const;
  // POST /api/notifications/read → 204.
  HttpReply mark_read(std::string_view cookie_header);

  // ---- internal (the gateway's callouts and other services) ----
  // GET /internal/social/session (Cookie forwarded) → 200 {"user_id","username","is_admin"} | 401.
  HttpReply session(std::string_view cookie_header) const;
  // GET /internal/social/groups/{gid}/members/{uid} → 200 {"member":true} if
  // accepted | 403 {"member":false} (pending or not a member) | 404 no group | 400.
  HttpReply group_member(std::string_view group_id, std::string_view user_id) const;
  // GET /internal/social/users/{uid}/groups → 200 {"group_ids":[accepted groups]} | 404 | 400.
  HttpReply user_groups(std::string_view user_id) const;
  // The two message endpoints once the sender is known, for the NATS store
  // workers too (store_workers.hpp): `type` "private" or "group", `body` as
  // above; idempotent per `request_id` (the gateway's envelope id; a REST
  // call gets a fresh one). `room` says whether the message is published here
  // or left to the gateway. 403 for an unknown sender.
  HttpReply add_message(std::int64_t from, std::string_view type, const gangway::Json& body,
                        const std::string& request_id, RoomEvent room);
  // POST /internal/social/notifications {"user_id","subtype","message",…} →
  // 201: stored and published to user/<user_id> as a notification (other
  // fields ride along, e.g. "post_id"). For the subtypes other services raise.
  HttpReply notify(std::string_view body);

  static constexpr std::size_t kMaxContentBytes = 10'000;

 private:
  std::optional<SocialUser> caller(std::string_view cookie_header) const;
  // Stores a notification and publishes it live; publishing is best effort
  // (the stored copy is what GET /api/notifications shows).
  gangway::Json deliver(std::int64_t user_id, const std::string& subtype, const std::string& message,
                        gangway::Json extra);

  SocialStore& store_;
  Publisher& publisher_;
  const gangway::Subjects subjects_;
};

}  // namespace demo
