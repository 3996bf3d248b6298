#include "deploy/demo_backend/winkr_api.hpp"

#include "deploy/demo_backend/lookup.hpp"
#include "gateway/core/clock.hpp"

namespace demo {

using gangway::Json;

namespace {

constexpr const char* kApp = "winkr";


}  // namespace

std::string winkr_now() {
  std::string now = gangway::iso8601_now();
  return now.size() > 19 ? now.substr(0, 19) + "Z" : now;
}

Json winkr_message_json(const WinkrMessage& m) {
  return {{"id", m.id},
          {"conversation_id", m.conversation_id},
          {"sender_id", m.sender_id},
          {"content", m.content},
          {"type", m.type},
          {"created_at", m.created_at},
          {"updated_at", m.updated_at},
          {"is_read", m.is_read},
          {"metadata", m.metadata}};
}

WinkrApi::WinkrApi(const Users& users, WinkrStore& store, const Tokens& tokens, Publisher& publisher,
                   gangway::Subjects subjects)
    : users_(users), store_(store), tokens_(tokens), publisher_(publisher), subjects_(std::move(subjects)) {}

const User* WinkrApi::caller(std::string_view bearer) const {
  auto sub = tokens_.verify(bearer, gangway::unix_now());
  return sub ? users_.by_id(*sub) : nullptr;
}

std::optional<HttpReply> WinkrApi::check_access(std::string_view user_id,
                                                std::string_view conversation_id) const {
  if (!gangway::is_valid_id(conversation_id)) return error_reply(400, "invalid conversation id");
  switch (store_.access(conversation_id, user_id)) {
    case WinkrStore::Access::participant:
      return std::nullopt;
    case WinkrStore::Access::not_participant:
      return error_reply(403, "Not your conversation");
    case WinkrStore::Access::no_conversation:
      break;
  }
  return error_reply(404, "Conversation not found");
}

Json WinkrApi::sender_json(std::string_view user_id) const {
  const User* u = users_.by_id(user_id);
  if (!u) return {{"id", user_id}, {"username", user_id}, {"avatar_url", nullptr}};
  return {{"id", u->id},
          {"username", u->username},
          {"avatar_url", "https://example.com/avatars/" + u->username + ".jpg"}};
}

Json WinkrApi::unread_json(std::string_view conversation_id, std::string_view user_id) const {
  auto u = store_.unread(conversation_id, user_id);
  Json last = nullptr;
  if (u.last) {
    last = {{"id", u.last->id},
            {"content", u.last->content},
            {"type", u.last->type},
            {"sender_id", u.last->sender_id},
            {"created_at", u.last->created_at}};
  }
  return {{"conversation_id", conversation_id}, {"unread_count", u.count}, {"last_message", last}};
}

bool WinkrApi::publish_to_user(const std::string& user_id, std::string event, Json data) {
  gangway::Event e{std::move(event), std::move(data), {}, std::nullopt};
  return publisher_.publish(subjects_.outbound(kApp, {"user", user_id}), gangway::serialize_event(e));
}

bool WinkrApi::publish_to_conversation(std::string_view conversation_id, std::string event, Json data) {
  gangway::Event e{std::move(event), std::move(data), {}, std::nullopt};
  return publisher_.publish(subjects_.outbound(kApp, {"conversation", std::string(conversation_id)}),
                            gangway::serialize_event(e));
}

HttpReply WinkrApi::access(std::string_view conversation_id, std::string_view user_id) const {
  if (!gangway::is_valid_id(conversation_id) || !gangway::is_valid_id(user_id))
    return error_reply(400, "invalid id");
  switch (store_.access(conversation_id, user_id)) {
    case WinkrStore::Access::participant:
      return {200, Json{{"access", true}}};
    case WinkrStore::Access::not_participant:
      return {403, Json{{"access", false}}};
    case WinkrStore::Access::no_conversation:
      break;
  }
  return error_reply(404, "Conversation not found");
}

HttpReply WinkrApi::list_conversations(std::string_view bearer) const {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  Json out = Json::array();
  for (const auto& c : store_.conversations_of(u->id)) {
    std::string other = c.user_ids[0] == u->id ? c.user_ids[1] : c.user_ids[0];
    out.push_back({{"id", c.id},
                   {"user", sender_json(other)},
                   {"created_at", c.created_at},
                   {"unread_count", store_.unread(c.id, u->id).count}});
  }
  return {200, out};
}

HttpReply WinkrApi::open_conversation(std::string_view bearer, std::string_view body) {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  Json j = Json::parse(body, nullptr, false);
  std::string other = j.is_object() ? string_at(j, "user_id") : "";
  if (!users_.by_id(other) || other == u->id) return error_reply(422, "user_id must name another user");
  bool existed = false;
  for (const auto& c : store_.conversations_of(u->id))
    existed |= c.user_ids[0] == other || c.user_ids[1] == other;
  auto c = store_.open_conversation(u->id, other, winkr_now());
  return {existed ? 200 : 201,
          Json{{"id", c.id}, {"user", sender_json(other)}, {"created_at", c.created_at}}};
}

HttpReply WinkrApi::list_messages(std::string_view bearer, std::string_view conversation_id) const {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  if (auto denied = check_access(u->id, conversation_id)) return *denied;
  Json out = Json::array();
  for (const auto& m : store_.messages(conversation_id)) out.push_back(winkr_message_json(m));
  return {200, out};
}

HttpReply WinkrApi::delivered(std::string_view bearer, std::string_view conversation_id,
                              std::string_view message_id) {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  if (auto denied = check_access(u->id, conversation_id)) return *denied;
  auto m = gangway::is_valid_id(message_id) ? store_.message(conversation_id, message_id) : std::nullopt;
  if (!m) return error_reply(404, "Message not found");
  if (m->sender_id == u->id) return error_reply(422, "only the recipient confirms delivery");
  Json data{{"message_id", m->id}, {"conversation_id", m->conversation_id}, {"delivered_at", winkr_now()}};
  if (!publish_to_user(m->sender_id, "message:delivered", data))
    return error_reply(503, "Message bus unavailable, try again");
  return {200, data};
}

HttpReply WinkrApi::unread(std::string_view bearer, std::string_view conversation_id) {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  if (auto denied = check_access(u->id, conversation_id)) return *denied;
  Json data = unread_json(conversation_id, u->id);
  if (!publish_to_user(u->id, "conversation:unread", data))
    return error_reply(503, "Message bus unavailable, try again");
  return {200, data};
}

}  // namespace demo
