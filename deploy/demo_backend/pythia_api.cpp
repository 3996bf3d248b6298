#include "deploy/demo_backend/pythia_api.hpp"

#include <algorithm>
#include <cctype>

#include "deploy/demo_backend/ids.hpp"
#include "gateway/core/clock.hpp"

namespace demo {

using gangway::Json;

namespace {

constexpr const char* kApp = "pythia";


// A non-empty string field, trying each name in turn (pythia's clients mix
// snake_case and camelCase); nullopt if none is one.
std::optional<std::string> string_field(const Json& j, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = j.find(name);
    if (it != j.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
      return it->get<std::string>();
  }
  return std::nullopt;
}

gangway::RoomKey channel_room(const std::string& id) { return {"channel", id}; }

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// "@name" tokens not preceded by a word character (so "bob@example.com" is no mention), deduplicated.
std::vector<std::string> mentioned_usernames(const std::string& content) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] != '@' || (i > 0 && is_word(content[i - 1]))) continue;
    std::size_t end = i + 1;
    while (end < content.size() && is_word(content[end])) ++end;
    std::string name = content.substr(i + 1, end - i - 1);
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    i = end - 1;
  }
  return out;
}

bool is_member(const PythiaChannel& c, std::string_view user_id) {
  return std::find(c.member_ids.begin(), c.member_ids.end(), user_id) != c.member_ids.end();
}

Json channel_json(const PythiaChannel& c, std::string_view user_id) {
  return {{"id", c.id}, {"name", c.name}, {"is_private", c.is_private}, {"is_member", is_member(c, user_id)}};
}

}  // namespace

PythiaApi::PythiaApi(const Users& users, PythiaStore& store, const Tokens& tokens, Publisher& publisher,
                     gangway::Subjects subjects)
    : users_(users), store_(store), tokens_(tokens), publisher_(publisher), subjects_(std::move(subjects)) {}

const User* PythiaApi::caller(std::string_view bearer) const {
  auto sub = tokens_.verify(bearer, gangway::unix_now());
  return sub ? users_.by_id(*sub) : nullptr;
}

std::optional<HttpReply> PythiaApi::check_member(const User& user, std::string_view channel_id) const {
  if (!gangway::is_valid_id(channel_id)) return error_reply(400, "invalid channel id");
  auto c = store_.channel(channel_id);
  if (!c) return error_reply(404, "Channel not found");
  if (!is_member(*c, user.id)) return error_reply(403, "Not a member of this channel");
  return std::nullopt;
}

Json PythiaApi::message_json(const PythiaMessage& m) const {
  const User* u = users_.by_id(m.user_id);
  Json user = u ? Json{{"id", u->id}, {"username", u->username}, {"email", u->username + "@example.com"}}
                : Json{{"id", m.user_id}};
  return {{"id", m.id},          {"content", m.content},      {"channelId", m.channel_id},
          {"userId", m.user_id}, {"createdAt", m.created_at}, {"updatedAt", m.updated_at},
          {"user", user}};
}

bool PythiaApi::publish(const gangway::RoomKey& room, const std::string& name, const Json& data) {
  gangway::Event event{name, data, {}, std::nullopt};
  return publisher_.connected() &&
         publisher_.publish(subjects_.outbound(kApp, room), gangway::serialize_event(event));
}

HttpReply PythiaApi::list_channels(std::string_view bearer) const {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  Json out = Json::array();
  for (const auto& c : store_.channels()) {
    if (!c.is_private || is_member(c, u->id)) out.push_back(channel_json(c, u->id));
  }
  return {200, out};
}

HttpReply PythiaApi::join_channel(std::string_view bearer, std::string_view channel_id) {
  return membership_change(bearer, channel_id, true);
}

HttpReply PythiaApi::leave_channel(std::string_view bearer, std::string_view channel_id) {
  return membership_change(bearer, channel_id, false);
}

HttpReply PythiaApi::membership_change(std::string_view bearer, std::string_view channel_id, bool join) {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  if (!gangway::is_valid_id(channel_id)) return error_reply(400, "invalid channel id");
  auto c = store_.channel(channel_id);
  if (!c) return error_reply(404, "Channel not found");
  if (join && c->is_private && !is_member(*c, u->id)) return error_reply(403, "This channel is private");

  std::lock_guard lock(publish_mutex_);
  if (!publisher_.connected()) return error_reply(503, "Message bus unavailable, nothing changed");
  auto change = join ? store_.add_member(channel_id, u->id) : store_.remove_member(channel_id, u->id);
  if (change == PythiaStore::Change::no_channel) return error_reply(404, "Channel not found");
  if (change == PythiaStore::Change::unchanged) {
    if (!join) return error_reply(404, "Not a member of this channel");
    return {200, channel_json(*store_.channel(channel_id), u->id)};  // joining twice is not news
  }
  Json data{{"user_id", u->id}, {"channel_id", c->id}};
  if (!publish(channel_room(c->id), join ? "user_joined" : "user_left", data)) {
    if (join)
      store_.remove_member(channel_id, u->id);
    else
      store_.add_member(channel_id, u->id);
    return error_reply(503, "Message bus unavailable, nothing changed");
  }
  return {200, channel_json(*store_.channel(channel_id), u->id)};
}

HttpReply PythiaApi::post_message(std::string_view bearer, std::string_view body) {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  HttpReply error;
  auto j = object_body(body, error);
  if (!j) return error;
  auto channel_id = string_field(*j, {"channel_id", "channelId"});
  if (!channel_id) return error_reply(422, "channel_id is required");
  if (auto denied = check_member(*u, *channel_id)) return *denied;
  auto content = string_field(*j, {"content"});
  if (!content) return error_reply(422, "content must be a non-empty string");
  if (content->size() > kMaxContentBytes)
    return error_reply(422, "content is longer than " + std::to_string(kMaxContentBytes) + " bytes");

  std::string now = gangway::iso8601_now();
  PythiaMessage m{new_uuid(), *channel_id, u->id, *content, now, now};
  Json data = message_json(m);
  std::lock_guard lock(publish_mutex_);
  if (!publisher_.connected()) return error_reply(503, "Message bus unavailable, message not stored");
  if (!store_.add_message(m)) return error_reply(404, "Channel not found");
  if (!publish(channel_room(m.channel_id), "new_message", data)) {
    store_.remove_message(m.id);
    return error_reply(503, "Message bus unavailable, message not stored");
  }
  if (auto c = store_.channel(m.channel_id)) notify_mentions(m, *c, *u);
  return {201, data};
}

// Best effort: the message is stored and delivered; a lost notification is
// logged by the publisher, not worth failing the post for.
void PythiaApi::notify_mentions(const PythiaMessage& m, const PythiaChannel& channel, const User& sender) {
  for (const auto& name : mentioned_usernames(m.content)) {
    const User* target = users_.by_username(name);
    if (!target || target->id == sender.id) continue;
    if (channel.is_private && !is_member(channel, target->id)) continue;  // no leaks out of private channels
    publish({"user", target->id}, "mention_notification",
            Json{{"message_id", m.id},
                 {"channel_id", m.channel_id},
                 {"content", m.content},
                 {"from_user_id", sender.id},
                 {"from_username", sender.username}});
  }
}

HttpReply PythiaApi::react(std::string_view bearer, std::string_view body) {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  HttpReply error;
  auto j = object_body(body, error);
  if (!j) return error;
  auto message_id = string_field(*j, {"message_id", "messageId"});
  auto emoji = string_field(*j, {"emoji"});
  if (!message_id || !emoji) return error_reply(422, "message_id and emoji are required strings");
  if (emoji->size() > kMaxEmojiBytes) return error_reply(422, "emoji is too long");
  std::string action = string_field(*j, {"action"}).value_or("add");
  if (action != "add" && action != "remove") return error_reply(422, "action must be \"add\" or \"remove\"");
  auto m = store_.message(*message_id);
  if (!m) return error_reply(404, "Message not found");
  if (auto denied = check_member(*u, m->channel_id)) return *denied;

  Json data{{"message_id", m->id},
            {"emoji", *emoji},
            {"user_id", u->id},
            {"username", u->username},
            {"action", action}};
  std::lock_guard lock(publish_mutex_);
  if (!publisher_.connected()) return error_reply(503, "Message bus unavailable, nothing changed");
  if (!store_.react(m->id, u->id, *emoji, action == "add")) return {200, data};  // nothing new to tell
  if (!publish(channel_room(m->channel_id), "message_reaction", data)) {
    store_.react(m->id, u->id, *emoji, action != "add");
    return error_reply(503, "Message bus unavailable, nothing changed");
  }
  return {200, data};
}

HttpReply PythiaApi::user_channels(std::string_view user_id) const {
  if (!gangway::is_valid_id(user_id)) return error_reply(400, "invalid id");
  if (!users_.by_id(user_id)) return error_reply(404, "User not found");
  return {200, Json{{"channel_ids", store_.channel_ids_of(user_id)}}};
}

HttpReply PythiaApi::channel_access(std::string_view channel_id, std::string_view user_id) const {
  if (!gangway::is_valid_id(channel_id) || !gangway::is_valid_id(user_id))
    return error_reply(400, "invalid id");
  auto c = store_.channel(channel_id);
  if (!c || !users_.by_id(user_id)) return error_reply(404, "Channel not found");
  bool member = is_member(*c, user_id);
  if (c->is_private && !member) return {403, Json{{"access", false}}};
  return {200, Json{{"access", true}, {"member", member}}};
}

}  // namespace demo
