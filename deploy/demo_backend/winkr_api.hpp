#pragma once
// Seed 004 ("winkr"): the REST service behind the gateway. The gateway calls
// the /internal/winkr endpoints (conversation access, and the persist callouts
// that store what clients send); apps call /api/winkr/v1 with a bearer token.
// Each method is one endpoint's logic; routes_winkr.cpp binds them to HTTP.
// Thread-safe: called concurrently from the HTTP server's worker threads.
#include <string>
#include <string_view>

#include "deploy/demo_backend/http_reply.hpp"
#include "deploy/demo_backend/publisher.hpp"
#include "deploy/demo_backend/tokens.hpp"
#include "deploy/demo_backend/users.hpp"
#include "deploy/demo_backend/winkr_store.hpp"
#include "gateway/core/subject.hpp"

namespace demo {

class WinkrApi {
 public:
  // All references must outlive the api. `subjects` carries the NATS prefix.
  WinkrApi(const Users& users, WinkrStore& store, const Tokens& tokens, Publisher& publisher,
           gangway::Subjects subjects);

  // GET /internal/winkr/conversations/{cid}/access/{uid}: the conversation_access
  // callout. 200 {"access":true} | 403 {"access":false} | 404 | 400.
  HttpReply access(std::string_view conversation_id, std::string_view user_id) const;

  // The persist callouts: each receives the gateway's gw.in envelope
  // {id, app, kind, room, user, conn, gateway, received_at, data} and answers
  // the object the room then sees. 400 bad envelope, 403 not a participant,
  // 404 no such conversation or message.
  // POST /internal/winkr/store/message → 201 {message, sender} (message:new);
  // the recipient also gets conversation:unread.
  HttpReply store_message(std::string_view envelope);
  // POST /internal/winkr/store/read → 200 {message_id, conversation_id, viewed_at}.
  HttpReply store_read(std::string_view envelope);
  // POST /internal/winkr/store/delete → 200 {message_id, conversation_id, deleted_by, deleted_at}.
  HttpReply store_delete(std::string_view envelope);

  // GET /api/winkr/v1/conversations → the caller's, with the other user and unread count.
  HttpReply list_conversations(std::string_view bearer) const;
  // POST /api/winkr/v1/conversations {"user_id"} → 201 (or 200 if it exists).
  HttpReply open_conversation(std::string_view bearer, std::string_view body);
  // GET /api/winkr/v1/conversations/{cid}/messages → oldest first.
  HttpReply list_messages(std::string_view bearer, std::string_view conversation_id) const;
  // POST /api/winkr/v1/conversations/{cid}/messages/{mid}/delivered: the
  // recipient's device confirms; message:delivered goes to the sender's user
  // room. 503 if NATS is down.
  HttpReply delivered(std::string_view bearer, std::string_view conversation_id, std::string_view message_id);
  // POST /api/winkr/v1/conversations/{cid}/unread: conversation:unread to the
  // caller's user room (all their devices), e.g. when the app resumes.
  HttpReply unread(std::string_view bearer, std::string_view conversation_id);

 private:
  const User* caller(std::string_view bearer) const;
  std::optional<HttpReply> check_access(std::string_view user_id, std::string_view conversation_id) const;
  gangway::Json sender_json(std::string_view user_id) const;
  gangway::Json unread_json(std::string_view conversation_id, std::string_view user_id) const;
  bool publish_to_user(const std::string& user_id, std::string event, gangway::Json data);

  const Users& users_;
  WinkrStore& store_;
  const Tokens& tokens_;
  Publisher& publisher_;
  const gangway::Subjects subjects_;
};

// {"id","conversation_id","sender_id","content","type","created_at","updated_at","is_read","metadata"}.
gangway::Json winkr_message_json(const WinkrMessage& m);

}  // namespace demo
