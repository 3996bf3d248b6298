#include "deploy/demo_backend/tribe_api.hpp"

#include <algorithm>

#include "deploy/demo_backend/ids.hpp"
#include "gateway/core/clock.hpp"

namespace demo {

using gangway::Json;

namespace {


bool is_message_type(const std::string& t) {
  return !t.empty() && t.size() <= 32 &&
         std::all_of(t.begin(), t.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

}  // namespace

TribeApi::TribeApi(const Users& users, TribeStore& store, const Tokens& tokens, Publisher& publisher,
                   gangway::Subjects subjects)
    : users_(users), store_(store), tokens_(tokens), publisher_(publisher), subjects_(std::move(subjects)) {}

const User* TribeApi::caller(std::string_view bearer) const {
  auto sub = tokens_.verify(bearer, gangway::unix_now());
  return sub ? users_.by_id(*sub) : nullptr;
}

std::optional<HttpReply> TribeApi::check_access(const User& user, std::string_view conversation_id) const {
  if (!gangway::is_valid_id(conversation_id)) return error_reply(400, "invalid conversation id");
  switch (store_.membership(conversation_id, user.id)) {
    case TribeStore::Membership::participant:
      return std::nullopt;
    case TribeStore::Membership::not_participant:
      return error_reply(403, "Not a participant of this conversation");
    case TribeStore::Membership::no_conversation:
      break;
  }
  return error_reply(404, "Conversation not found");
}

Json TribeApi::conversation_json(const TribeConversation& c) const {
  Json participants = Json::array();
  for (const auto& id : c.participant_ids)
    if (const User* u = users_.by_id(id)) participants.push_back(user_json(*u));
  return {{"id", c.id},
          {"participants", participants},
          {"participant_ids", c.participant_ids},
          {"created_at", c.created_at}};
}

Json TribeApi::message_json(const TribeMessage& m) const {
  const User* sender = users_.by_id(m.sender_id);
  return {{"id", m.id},
          {"conversation_id", m.conversation_id},
          {"sender", sender ? user_json(*sender) : Json{{"id", m.sender_id}}},
          {"content", m.content},
          {"message_type", m.message_type},
          {"created_at", m.created_at}};
}

HttpReply TribeApi::login(std::string_view body) const {
  HttpReply error;
  auto j = object_body(body, error);
  if (!j) return error;
  auto username = j->find("username");
  auto password = j->find("password");
  if (username == j->end() || !username->is_string() || password == j->end() || !password->is_string())
    return error_reply(422, "username and password are required strings");
  const User* u = users_.check_password(username->get<std::string>(), password->get<std::string>());
  if (!u) return error_reply(401, "Incorrect username or password");
  return {200, Json{{"access_token", tokens_.mint(*u, gangway::unix_now())},
                    {"token_type", "bearer"},
                    {"user", user_json(*u)}}};
}

HttpReply TribeApi::logout(std::string_view bearer) {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  if (!publisher_.publish(subjects_.disconnect("tribe", "user", u->id), R"({"reason":"logout"})"))
    return error_reply(503, "Message bus unavailable, the sockets were not closed");
  return {204, nullptr};
}

HttpReply TribeApi::me(std::string_view bearer) const {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  return {200, user_json(*u)};
}

HttpReply TribeApi::create_conversation(std::string_view bearer, std::string_view body) {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  HttpReply error;
  auto j = object_body(body, error);
  if (!j) return error;
  auto ids = j->find("participant_ids");
  if (ids == j->end() || !ids->is_array())
    return error_reply(422, "participant_ids must be an array of user ids");
  std::vector<std::string> participants{u->id};
  for (const auto& id : *ids) {
    if (!id.is_string() || !users_.by_id(id.get<std::string>()))
      return error_reply(422, "participant_ids holds an unknown user: " + id.dump());
    if (std::find(participants.begin(), participants.end(), id.get<std::string>()) == participants.end())
      participants.push_back(id.get<std::string>());
  }
  if (participants.size() < 2) return error_reply(422, "a conversation needs another participant");
  return {201,
          conversation_json(store_.create_conversation(std::move(participants), gangway::iso8601_now()))};
}

HttpReply TribeApi::list_conversations(std::string_view bearer) const {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  Json out = Json::array();
  for (const auto& c : store_.conversations_of(u->id)) out.push_back(conversation_json(c));
  return {200, out};
}

HttpReply TribeApi::participant(std::string_view conversation_id, std::string_view user_id) const {
  if (!gangway::is_valid_id(conversation_id) || !gangway::is_valid_id(user_id))
    return error_reply(400, "invalid id");
  switch (store_.membership(conversation_id, user_id)) {
    case TribeStore::Membership::participant:
      return {200, Json{{"participant", true}}};
    case TribeStore::Membership::not_participant:
      return {403, Json{{"participant", false}}};
    case TribeStore::Membership::no_conversation:
      break;
  }
  return error_reply(404, "Conversation not found");
}

HttpReply TribeApi::post_message(std::string_view bearer, std::string_view conversation_id,
                                 std::string_view body) {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  if (auto denied = check_access(*u, conversation_id)) return *denied;
  HttpReply error;
  auto j = object_body(body, error);
  if (!j) return error;
  auto content = j->find("content");
  if (content == j->end() || !content->is_string() || content->get_ref<const std::string&>().empty())
    return error_reply(422, "content must be a non-empty string");
  if (content->get_ref<const std::string&>().size() > kMaxContentBytes)
    return error_reply(422, "content is longer than " + std::to_string(kMaxContentBytes) + " bytes");
  std::string type = "text";
  if (auto t = j->find("message_type"); t != j->end() && !t->is_null()) {
    if (!t->is_string() || !is_message_type(t->get<std::string>()))
      return error_reply(422, "message_type must be a short lowercase word");
    type = t->get<std::string>();
  }

  TribeMessage m{new_uuid(), std::string(conversation_id), u->id, content->get<std::string>(),
                 type,       gangway::iso8601_now()};
  Json data = message_json(m);
  gangway::Event event{"message.new", data, {u->id, ""}, std::nullopt};
  std::string subject = subjects_.outbound("tribe", {"conversation", m.conversation_id});

  // Policy: a message is kept only if its event reached NATS. Disconnected →
  // 503 and nothing stored. A publish that fails after the store is undone
  // and answered 503; in that rare case the event may still arrive later (it
  // can sit in nats.c's buffer), but the client is never told it succeeded.
  std::lock_guard lock(post_mutex_);
  if (!publisher_.connected()) return error_reply(503, "Message bus unavailable, message not stored");
  if (!store_.add_message(m)) return error_reply(404, "Conversation not found");
  if (!publisher_.publish(subject, gangway::serialize_event(event))) {
    store_.remove_message(m.conversation_id, m.id);
    return error_reply(503, "Message bus unavailable, message not stored");
  }
  return {201, data};
}

HttpReply TribeApi::list_messages(std::string_view bearer, std::string_view conversation_id) const {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  if (auto denied = check_access(*u, conversation_id)) return *denied;
  Json out = Json::array();
  for (const auto& m : store_.messages(conversation_id)) out.push_back(message_json(m));
  return {200, out};
}

}  // namespace demo
