#pragma once
// Seed 004 ("winkr"): the REST service behind the gateway. Apps call
// /api/winkr/v1 with a bearer token, and so does the gateway when it stores
// what a socket sends (message:send, message:read, message:delete), with that
// user's token (deploy/gangway.demo.json); the gateway's conversation check
// is /internal/winkr. Each method is one endpoint's logic; routes_winkr.cpp
// binds them to HTTP. Thread-safe: called concurrently from the HTTP
// server's worker threads.
#include <mutex>
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

  // GET /api/winkr/v1/conversations → the caller's, with the other user and unread count.
  HttpReply list_conversations(std::string_view bearer) const;
  // POST /api/winkr/v1/conversations {"user_id"} → 201 (or 200 if it exists).
  HttpReply open_conversation(std::string_view bearer, std::string_view body);
  // GET /api/winkr/v1/conversations/{cid}/messages → oldest first.
  HttpReply list_messages(std::string_view bearer, std::string_view conversation_id) const;
  // The writes (winkr_messages.cpp). Each publishes its event on the
  // conversation (<prefix>.out.winkr.conversation.<cid>), the sender's own
  // response included, before it answers: 503 and nothing changed while NATS
  // is down. 400 an id outside [A-Za-z0-9_-], 403 not a participant, 404 no
  // such conversation or message, 422 a bad body.
  // POST /api/winkr/v1/conversations/{cid}/messages {"content","type"?,"metadata"?}
  // → 201 {"message","sender"}, seed 004's message:new data; the other
  // participant also gets conversation:unread on its user room.
  HttpReply send_message(std::string_view bearer, std::string_view conversation_id, std::string_view body);
  // POST /api/winkr/v1/conversations/{cid}/messages/{mid}/read → 200
  // {"message_id","conversation_id","viewed_at"} (message:viewed); the
  // reader's devices get conversation:unread.
  HttpReply read_message(std::string_view bearer, std::string_view conversation_id, std::string_view message_id);
  // DELETE /api/winkr/v1/conversations/{cid}/messages/{mid} → 200
  // {"message_id","conversation_id","deleted_by","deleted_at"} (message:deleted);
  // either participant may delete.
  HttpReply delete_message(std::string_view bearer, std::string_view conversation_id,
                           std::string_view message_id);
  // The same once the caller is known, for the NATS store workers too
  // (store_workers.hpp): `room` says whether the conversation's event is
  // published here or left to the gateway.
  HttpReply add_message(const std::string& user_id, std::string_view conversation_id, const gangway::Json& body,
                        RoomEvent room);
  HttpReply mark_read(const std::string& user_id, std::string_view conversation_id, std::string_view message_id,
                      RoomEvent room);
  HttpReply remove_message(const std::string& user_id, std::string_view conversation_id,
                           std::string_view message_id, RoomEvent room);

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
  bool publish_to_conversation(std::string_view conversation_id, std::string event, gangway::Json data);

  const Users& users_;
  WinkrStore& store_;
  const Tokens& tokens_;
  Publisher& publisher_;
  const gangway::Subjects subjects_;
  std::mutex write_mutex_;  // store-then-publish is one step, so delivery order is storage order
};

// {"id","conversation_id","sender_id","content","type","created_at","updated_at","is_read","metadata"}.
gangway::Json winkr_message_json(const WinkrMessage& m);
// The seed's time format, now: "2025-01-01T12:00:00Z".
std::string winkr_now();

}  // namespace demo
