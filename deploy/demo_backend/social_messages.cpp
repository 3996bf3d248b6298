// Seed 003's message writes: POST /api/messages/private and /group, the
// counterparts of its GET history endpoints. A stored message is published
// on the recipient's user room or the group's room, as the seed's live
// delivery: the REST call a browser makes and the gateway's store of a
// socket's frame are the same call, so the recipients hear of it exactly
// once, from here (the gateway's persist.<kind>.fan_out is "backend"). A
// NATS store worker leaves the publishing to the gateway.
#include <cstdio>
#include <variant>

#include "deploy/demo_backend/ids.hpp"
#include "deploy/demo_backend/social_api.hpp"
#include "deploy/demo_backend/social_ids.hpp"
#include "deploy/demo_backend/social_json.hpp"
#include "gateway/core/clock.hpp"

namespace demo {

using gangway::Json;

namespace {

const Json& member(const Json& object, const char* key) {
  static const Json null;
  auto it = object.find(key);
  return it == object.end() ? null : *it;
}

// The message a body asks for, checked; else the reply explaining why not.
std::variant<SocialMessage, HttpReply> message_from(std::int64_t from, std::string_view type, const Json& body,
                                                    std::size_t max_content) {
  const Json& content = member(body, "content");
  if (!content.is_string() || content.get_ref<const std::string&>().empty())
    return error_reply(422, "content must be a non-empty string");
  if (content.get_ref<const std::string&>().size() > max_content) return error_reply(422, "content is too long");
  const Json& ts = member(body, "timestamp");
  if (!ts.is_null() && !(ts.is_number_integer() && ts.get<std::int64_t>() >= 0))
    return error_reply(422, "timestamp must be Unix seconds");
  SocialMessage m;
  m.type = std::string(type);
  m.from = from;
  m.content = content.get<std::string>();
  m.timestamp = ts.is_null() ? gangway::unix_now() : ts.get<std::int64_t>();
  if (type == "private") {
    auto to = social_id(member(body, "to"));
    if (!to) return error_reply(422, "to must be a user id");
    m.to = *to;
  } else {
    auto group = social_id(member(body, "group_id"));
    if (!group) return error_reply(422, "group_id must be a group id");
    m.group_id = std::to_string(*group);
  }
  return m;
}

}  // namespace

HttpReply SocialApi::post_private(std::string_view cookie_header, std::string_view body) {
  auto me = caller(cookie_header);
  if (!me) return error_reply(401, "Not authenticated");
  HttpReply error;
  auto j = object_body(body, error);
  if (!j) return error;
  return add_message(me->id, "private", *j, new_uuid(), RoomEvent::publish);
}

HttpReply SocialApi::post_group(std::string_view cookie_header, std::string_view body) {
  auto me = caller(cookie_header);
  if (!me) return error_reply(401, "Not authenticated");
  HttpReply error;
  auto j = object_body(body, error);
  if (!j) return error;
  return add_message(me->id, "group", *j, new_uuid(), RoomEvent::publish);
}

HttpReply SocialApi::add_message(std::int64_t from, std::string_view type, const Json& body,
                                 const std::string& request_id, RoomEvent room) {
  if (type != "private" && type != "group") return error_reply(422, "type must be private or group");
  if (!store_.user(from)) return error_reply(403, "Unknown sender");
  auto parsed = message_from(from, type, body, kMaxContentBytes);
  if (auto* error = std::get_if<HttpReply>(&parsed)) return *error;
  auto& m = std::get<SocialMessage>(parsed);
  if (m.type == "private" && !store_.user(m.to)) return error_reply(404, "Recipient not found");
  if (m.type == "group") {
    auto membership = store_.membership(*parse_social_id(m.group_id), m.from);
    if (membership == SocialStore::Membership::no_group) return error_reply(404, "Group not found");
    // The gateway checked group_member already; a membership revoked since is still refused.
    if (membership != SocialStore::Membership::accepted) return error_reply(403, "Not a member of this group");
  }
  if (room == RoomEvent::publish && !publisher_.connected())
    return error_reply(503, "Message bus unavailable, nothing stored");
  Json stored = stored_message_json(store_.add_message(request_id, std::move(m)));
  if (room == RoomEvent::leave_to_gateway) return {201, stored};

  // The seed's live delivery: to the recipient (all its sockets), or to the
  // group's members but the sender. Best effort, as the seed's: the message
  // is stored, and its history shows it.
  const bool is_private = type == "private";
  gangway::RoomKey to = is_private ? gangway::RoomKey{"user", std::to_string(stored["to"].get<std::int64_t>())}
                                   : gangway::RoomKey{"group", stored["group_id"].get<std::string>()};
  gangway::Exclude exclude;
  if (!is_private) exclude.user = std::to_string(from);
  gangway::Event event{std::string(type), stored, exclude, std::nullopt};
  if (!publisher_.publish(subjects_.outbound("social", to), gangway::serialize_event(event)))
    std::fprintf(stderr, "demo backend: social message %lld stored, not delivered live\n",
                 static_cast<long long>(stored["id"].get<std::int64_t>()));
  return {201, stored};
}

}  // namespace demo
