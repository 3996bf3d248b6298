#pragma once
// Seed 001 ("pythia"): the REST service the gateway fronts. Each method is one
// endpoint's logic, taking the already-extracted bearer token, path ids and
// raw body and returning status + JSON; routes_pythia.cpp binds them to HTTP.
// Users and tokens are the shared demo ones (login is POST /api/v1/auth/login).
// Every change that clients see is published on NATS before it is answered
// 2xx; if NATS is down the change is undone and answered 503.
// Thread-safe: called concurrently from the HTTP server's worker threads.
#include <mutex>
#include <string>
#include <string_view>

#include "deploy/demo_backend/http_reply.hpp"
#include "deploy/demo_backend/publisher.hpp"
#include "deploy/demo_backend/pythia_store.hpp"
#include "deploy/demo_backend/tokens.hpp"
#include "deploy/demo_backend/users.hpp"
#include "gateway/core/subject.hpp"

namespace demo {

class PythiaApi {
 public:
  // All references must outlive the api. `subjects` carries the NATS prefix.
  PythiaApi(const Users& users, PythiaStore& store, const Tokens& tokens, Publisher& publisher,
            gangway::Subjects subjects);

  // GET /api/v1/channels/ → the public channels and the caller's private ones:
  // [{"id","name","is_private","is_member"}].
  HttpReply list_channels(std::string_view bearer) const;
  // POST /api/v1/channels/{id}/join → 200 channel; publishes user_joined
  // {"user_id","channel_id"} on the channel's room. 403 private, 404.
  HttpReply join_channel(std::string_view bearer, std::string_view channel_id);
  // POST /api/v1/channels/{id}/leave → 200 channel; publishes user_left. 404 not a member.
  HttpReply leave_channel(std::string_view bearer, std::string_view channel_id);
  // POST /api/v1/messages/ {"content","channel_id"} → 201 the seed's new_message
  // data, published on the channel's room; each @username with access to the
  // channel (not the sender) gets mention_notification on its user room.
  HttpReply post_message(std::string_view bearer, std::string_view body);
  // POST /api/v1/messages/reactions {"message_id","emoji","action"?: "add"|"remove"}
  // → 200; publishes message_reaction on the message's channel room if it changed.
  HttpReply react(std::string_view bearer, std::string_view body);

  // GET /internal/pythia/users/{uid}/channels: the gateway's membership
  // callout. 200 {"channel_ids": [...]} | 404 unknown user.
  HttpReply user_channels(std::string_view user_id) const;
  // GET /internal/pythia/channels/{cid}/access/{uid}: the gateway's
  // channel_access callout. 200 {"access":true,"member":bool} for a public
  // channel or a member, 403 {"access":false}, 404 unknown channel or user.
  HttpReply channel_access(std::string_view channel_id, std::string_view user_id) const;

  static constexpr std::size_t kMaxContentBytes = 4000;
  static constexpr std::size_t kMaxEmojiBytes = 64;

 private:
  const User* caller(std::string_view bearer) const;
  // The channel if `user` may post in it (a member), else the error reply.
  std::optional<HttpReply> check_member(const User& user, std::string_view channel_id) const;
  gangway::Json message_json(const PythiaMessage& m) const;
  // Publishes `name` + `data` on <prefix>.out.pythia.<room>; false if it did not reach NATS.
  bool publish(const gangway::RoomKey& room, const std::string& name, const gangway::Json& data);
  HttpReply membership_change(std::string_view bearer, std::string_view channel_id, bool join);
  void notify_mentions(const PythiaMessage& m, const PythiaChannel& channel, const User& sender);

  const Users& users_;
  PythiaStore& store_;
  const Tokens& tokens_;
  Publisher& publisher_;
  const gangway::Subjects subjects_;
  // Change-then-publish is one step, so subscribers see changes in store order.
  std::mutex publish_mutex_;
};

}  // namespace demo
