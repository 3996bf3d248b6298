// Seed 004's writes: a message sent, read, deleted. Each is stored and then
// published on the conversation as the event its sockets show (message:new,
// message:viewed, message:deleted): the REST call a browser makes and the
// gateway's store of a socket's frame are the same call, so the room hears
// of it exactly once, from here (the gateway's persist.<kind>.fan_out is
// "backend"). A NATS store worker leaves the room's event to the gateway.
#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>

#include "deploy/demo_backend/ids.hpp"
#include "deploy/demo_backend/winkr_api.hpp"

namespace demo {

using gangway::Json;

namespace {

// Seed 004's message types, and its frame limit as a bound on content.
constexpr std::array<std::string_view, 6> kTypes{"text", "photo", "photo_ephemeral", "location", "system", "gift"};
constexpr std::size_t kMaxContentBytes = 32 * 1024;

HttpReply bus_down() { return error_reply(503, "Message bus unavailable, nothing changed"); }

// The message a body asks for ("type" defaults to "text"); else the 422.
std::optional<HttpReply> read_body(const Json& body, WinkrMessage& m) {
  auto content = body.find("content");
  if (content == body.end() || !content->is_string() || content->get_ref<const std::string&>().size() > kMaxContentBytes)
    return error_reply(422, "content must be a string of at most 32 KiB");
  m.content = content->get<std::string>();
  m.type = "text";
  if (auto type = body.find("type"); type != body.end() && !type->is_null()) {
    if (!type->is_string() ||
        std::find(kTypes.begin(), kTypes.end(), type->get_ref<const std::string&>()) == kTypes.end())
      return error_reply(422, "type must be one of text, photo, photo_ephemeral, location, system, gift");
    m.type = type->get<std::string>();
  }
  if (m.type == "text" && m.content.empty()) return error_reply(422, "Message content cannot be empty");
  if (auto meta = body.find("metadata"); meta != body.end() && !meta->is_null()) {
    if (!meta->is_object()) return error_reply(422, "metadata must be an object");
    m.metadata = *meta;
  }
  return std::nullopt;
}

}  // namespace

HttpReply WinkrApi::send_message(std::string_view bearer, std::string_view conversation_id, std::string_view body) {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  HttpReply error;
  auto j = object_body(body, error);
  if (!j) return error;
  return add_message(u->id, conversation_id, *j, RoomEvent::publish);
}

HttpReply WinkrApi::read_message(std::string_view bearer, std::string_view conversation_id,
                                 std::string_view message_id) {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  return mark_read(u->id, conversation_id, message_id, RoomEvent::publish);
}

HttpReply WinkrApi::delete_message(std::string_view bearer, std::string_view conversation_id,
                                   std::string_view message_id) {
  const User* u = caller(bearer);
  if (!u) return unauthorized();
  return remove_message(u->id, conversation_id, message_id, RoomEvent::publish);
}

HttpReply WinkrApi::add_message(const std::string& user_id, std::string_view conversation_id, const Json& body,
                                RoomEvent room) {
  if (auto denied = check_access(user_id, conversation_id)) return *denied;
  std::string now = winkr_now();
  WinkrMessage m{new_uuid(), std::string(conversation_id), user_id, "", "", Json::object(), now, now, false};
  if (auto invalid = read_body(body, m)) return *invalid;
  Json stored{{"message", winkr_message_json(m)}, {"sender", sender_json(m.sender_id)}};

  std::lock_guard lock(write_mutex_);
  if (room == RoomEvent::publish && !publisher_.connected()) return bus_down();
  if (!store_.add_message(m)) return error_reply(404, "Conversation not found");
  // The recipient's badge, before the message itself (as the gateway's own
  // fan-out of a worker's answer comes after it): best effort, the message is
  // stored either way.
  if (auto c = store_.conversation(m.conversation_id)) {
    for (const auto& other : c->user_ids)
      if (other != m.sender_id) publish_to_user(other, "conversation:unread", unread_json(m.conversation_id, other));
  }
  // The sender's message:new is its acknowledgement: kept only if it went out
  // (a badge already sent may then count one message too many until the next).
  if (room == RoomEvent::publish && !publish_to_conversation(m.conversation_id, "message:new", stored)) {
    store_.remove_message(m.conversation_id, m.id);
    return bus_down();
  }
  return {201, stored};
}

HttpReply WinkrApi::mark_read(const std::string& user_id, std::string_view conversation_id,
                              std::string_view message_id, RoomEvent room) {
  if (auto denied = check_access(user_id, conversation_id)) return *denied;
  if (!gangway::is_valid_id(message_id)) return error_reply(400, "invalid message id");
  std::lock_guard lock(write_mutex_);
  if (room == RoomEvent::publish && !publisher_.connected()) return bus_down();
  if (!store_.mark_read(conversation_id, message_id, user_id)) return error_reply(404, "Message not found");
  Json viewed{{"message_id", std::string(message_id)}, {"conversation_id", std::string(conversation_id)},
              {"viewed_at", winkr_now()}};
  // The reader's other devices update their badge too (first, as above).
  publish_to_user(user_id, "conversation:unread", unread_json(conversation_id, user_id));
  // Marking again is harmless: a 503 only asks the client to retry.
  if (room == RoomEvent::publish && !publish_to_conversation(conversation_id, "message:viewed", viewed))
    return bus_down();
  return {200, viewed};
}

HttpReply WinkrApi::remove_message(const std::string& user_id, std::string_view conversation_id,
                                   std::string_view message_id, RoomEvent room) {
  if (auto denied = check_access(user_id, conversation_id)) return *denied;
  if (!gangway::is_valid_id(message_id)) return error_reply(400, "invalid message id");
  std::lock_guard lock(write_mutex_);
  if (room == RoomEvent::publish && !publisher_.connected()) return bus_down();
  // "Deleted by either participant."
  if (!store_.remove_message(conversation_id, message_id)) return error_reply(404, "Message not found");
  Json deleted{{"message_id", std::string(message_id)},
               {"conversation_id", std::string(conversation_id)},
               {"deleted_by", user_id},
               {"deleted_at", winkr_now()}};
  // The message is gone whatever happens now; a lost announcement is a 503
  // (never a success the room did not hear of), and a retry a 404.
  if (room == RoomEvent::publish && !publish_to_conversation(conversation_id, "message:deleted", deleted)) {
    std::fprintf(stderr, "demo backend: the deletion of winkr message %.*s was not announced\n",
                 static_cast<int>(message_id.size()), message_id.data());
    return bus_down();
  }
  return {200, deleted};
}

}  // namespace demo
