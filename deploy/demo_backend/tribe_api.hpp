#pragma once
// Seed 002 ("tribe"): the REST service the gateway fronts. Each method is one
// endpoint's logic, taking the already-extracted bearer token, path ids and
// raw body, and returning status + JSON; routes_tribe.cpp binds them to HTTP.
// Thread-safe: called concurrently from the HTTP server's worker threads.
#include <mutex>
#include <string>
#include <string_view>

#include "deploy/demo_backend/http_reply.hpp"
#include "deploy/demo_backend/publisher.hpp"
#include "deploy/demo_backend/tokens.hpp"
#include "deploy/demo_backend/tribe_store.hpp"
#include "deploy/demo_backend/users.hpp"
#include "gateway/core/subject.hpp"

namespace demo {

class TribeApi {
 public:
  // All references must outlive the api. `subjects` carries the NATS prefix.
  TribeApi(const Users& users, TribeStore& store, const Tokens& tokens, Publisher& publisher,
           gangway::Subjects subjects);

  // POST /api/v1/auth/login {"username","password"} → 200 token + user | 401.
  HttpReply login(std::string_view body) const;
  // POST /api/v1/auth/logout → 204 once <prefix>.ctl.tribe.disconnect.user.<id>
  // {"reason":"logout"} is published, so every gateway closes the caller's
  // tribe sockets (docs/nats.md, "Control") | 401 | 503 NATS is down
  // (nothing closed: the client may try again). The token itself stays valid
  // until its exp: a stateless JWT cannot be taken back, only its sockets.
  HttpReply logout(std::string_view bearer);
  // GET /api/v1/users/me → the caller.
  HttpReply me(std::string_view bearer) const;
  // POST /api/v1/conversations {"participant_ids": [...]} → 201; the caller is always a participant.
  HttpReply create_conversation(std::string_view bearer, std::string_view body);
  // GET /api/v1/conversations → the caller's conversations.
  HttpReply list_conversations(std::string_view bearer) const;
  // GET /internal/tribe/conversations/{cid}/participants/{uid}: the gateway's
  // subscribe callout. 200 {"participant":true} | 403 {"participant":false} | 404.
  HttpReply participant(std::string_view conversation_id, std::string_view user_id) const;
  // POST /api/v1/conversations/{id}/messages {"content","message_type"?} →
  // 201 with seed 002's message.new data, after it was published on
  // <prefix>.out.tribe.conversation.<id>. 503 (nothing kept) if NATS is down.
  HttpReply post_message(std::string_view bearer, std::string_view conversation_id, std::string_view body);
  // GET /api/v1/conversations/{id}/messages → oldest first.
  HttpReply list_messages(std::string_view bearer, std::string_view conversation_id) const;

  static constexpr std::size_t kMaxContentBytes = 4000;

 private:
  // The verified caller, or nullptr (answer 401).
  const User* caller(std::string_view bearer) const;
  // nullopt if the caller may read/write the conversation; else the error reply.
  std::optional<HttpReply> check_access(const User& user, std::string_view conversation_id) const;
  gangway::Json conversation_json(const TribeConversation& c) const;
  gangway::Json message_json(const TribeMessage& m) const;

  const Users& users_;
  TribeStore& store_;
  const Tokens& tokens_;
  Publisher& publisher_;
  const gangway::Subjects subjects_;
  // Store-then-publish is one step per message, so the order subscribers
  // see is the order GET returns.
  std::mutex post_mutex_;
};

}  // namespace demo
