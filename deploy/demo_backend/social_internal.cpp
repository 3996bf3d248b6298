// Seed 003's internal endpoints: what the gateway's callouts call (session,
// group_member, user_groups, the message store) and the notification hook
// other services use. Never exposed to clients.
#include <cstdio>
#include <variant>

#include "deploy/demo_backend/social_api.hpp"
#include "deploy/demo_backend/social_ids.hpp"
#include "deploy/demo_backend/social_json.hpp"
#include "gateway/core/clock.hpp"

namespace demo {

using gangway::Json;

namespace {

const Json& member(const Json& object, const char* key) {
  static const Json null;
  if (!object.is_object()) return null;
  auto it = object.find(key);
  return it == object.end() ? null : *it;
}

// The message a gw.in envelope carries, checked; else the reply explaining why not.
std::variant<SocialMessage, HttpReply> message_from(const Json& envelope, std::size_t max_content) {
  const Json& data = member(envelope, "data");
  auto from = social_id(member(member(envelope, "user"), "id"));
  const Json& content = member(data, "content");
  if (!from) return error_reply(422, "user.id must be a user id");
  if (!content.is_string() || content.get_ref<const std::string&>().empty())
    return error_reply(422, "data.content must be a non-empty string");
  if (content.get_ref<const std::string&>().size() > max_content)
    return error_reply(422, "data.content is too long");
  SocialMessage m;
  m.type = member(data, "type").is_string() ? member(data, "type").get<std::string>() : "";
  m.from = *from;
  m.content = content.get<std::string>();
  const Json& ts = member(data, "timestamp");
  m.timestamp =
      ts.is_number_integer() && ts.get<std::int64_t>() >= 0 ? ts.get<std::int64_t>() : gangway::unix_now();
  if (m.type == "private") {
    auto to = social_id(member(data, "to"));
    if (!to) return error_reply(422, "data.to must be a user id");
    m.to = *to;
  } else if (m.type == "group") {
    auto group = social_id(member(data, "group_id"));
    if (!group) return error_reply(422, "data.group_id must be a group id");
    m.group_id = std::to_string(*group);
  } else {
    return error_reply(422, "data.type must be private or group");
  }
  return m;
}

}  // namespace

HttpReply SocialApi::session(std::string_view cookie_header) const {
  auto user = caller(cookie_header);
  if (!user) return error_reply(401, "No valid session");
  return {200, session_json(*user)};
}

HttpReply SocialApi::group_member(std::string_view group_id, std::string_view user_id) const {
  auto group = parse_social_id(group_id);
  auto user = parse_social_id(user_id);
  if (!group || !user) return error_reply(400, "invalid id");
  switch (store_.membership(*group, *user)) {
    case SocialStore::Membership::accepted:
      return {200, Json{{"member", true}}};
    case SocialStore::Membership::pending:
    case SocialStore::Membership::none:
      return {403, Json{{"member", false}}};
    case SocialStore::Membership::no_group:
      break;
  }
  return error_reply(404, "Group not found");
}

HttpReply SocialApi::user_groups(std::string_view user_id) const {
  auto user = parse_social_id(user_id);
  if (!user) return error_reply(400, "invalid id");
  if (!store_.user(*user)) return error_reply(404, "User not found");
  return {200, Json{{"group_ids", store_.accepted_groups(*user)}}};
}

HttpReply SocialApi::store_message(std::string_view body) {
  Json envelope = Json::parse(body, nullptr, false);
  const Json& id = member(envelope, "id");
  if (!id.is_string() || id.get_ref<const std::string&>().empty())
    return error_reply(400, "expected the gateway's envelope with an id");
  auto parsed = message_from(envelope, kMaxContentBytes);
  if (auto* error = std::get_if<HttpReply>(&parsed)) return *error;
  auto& m = std::get<SocialMessage>(parsed);
  if (!store_.user(m.from)) return error_reply(404, "Sender not found");
  if (m.type == "private" && !store_.user(m.to)) return error_reply(404, "Recipient not found");
  if (m.type == "group") {
    auto membership = store_.membership(*parse_social_id(m.group_id), m.from);
    if (membership == SocialStore::Membership::no_group) return error_reply(404, "Group not found");
    // The gateway checked group_member already; a membership revoked since is still refused.
    if (membership != SocialStore::Membership::accepted)
      return error_reply(403, "Not a member of this group");
  }
  return {201, stored_message_json(store_.add_message(id.get<std::string>(), std::move(m)))};
}

HttpReply SocialApi::notify(std::string_view body) {
  Json j = Json::parse(body, nullptr, false);
  auto user = social_id(member(j, "user_id"));
  const Json& subtype = member(j, "subtype");
  const Json& message = member(j, "message");
  if (!user || !subtype.is_string() || subtype.get_ref<const std::string&>().empty() || !message.is_string())
    return error_reply(400, "user_id, subtype and message are required");
  if (!store_.user(*user)) return error_reply(404, "User not found");
  Json extra = j;
  for (const char* key : {"user_id", "subtype", "message", "type", "timestamp"}) extra.erase(key);
  return {201, deliver(*user, subtype.get<std::string>(), message.get<std::string>(), std::move(extra))};
}

Json SocialApi::deliver(std::int64_t user_id, const std::string& subtype, const std::string& message,
                        Json extra) {
  auto stored = store_.add_notification(user_id, subtype, message, gangway::iso8601_now());
  Json data = std::move(extra);
  data["subtype"] = subtype;
  data["message"] = message;
  data["timestamp"] = gangway::unix_now();
  gangway::Event event{"notification", std::move(data), {}, std::nullopt};
  std::string subject = subjects_.outbound("social", {"user", std::to_string(user_id)});
  if (!publisher_.publish(subject, gangway::serialize_event(event)))
    std::fprintf(stderr, "demo backend: live notification for user %lld not sent (stored)\n",
                 static_cast<long long>(user_id));
  return notification_json(stored);
}

}  // namespace demo
