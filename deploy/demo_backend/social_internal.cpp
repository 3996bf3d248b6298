// Seed 003's internal endpoints: what the gateway's callouts call (session,
// group_member, user_groups) and the notification hook other services use.
// Never exposed to clients. Messages are stored on the public endpoints
// (social_messages.cpp), as the app's REST clients store them.
#include <cstdio>

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
