#include "deploy/demo_backend/circles_shapes.hpp"

namespace demo {

using gangway::Json;

Json person_json(const CirclesUser& u) {
  return {{"id", u.id}, {"name", u.name}, {"avatar_url", u.avatar_url ? Json(*u.avatar_url) : Json(nullptr)}};
}

Json message_json(const CirclesStore& store, const CirclesMessage& m) {
  auto sender = store.user(m.sender_id);
  Json out{{"id", m.id},
           {"thread_id", m.thread_id},
           {"sender_id", m.sender_id},
           {"text", m.text},
           {"created_at", m.created_at},
           {"sender_info", sender ? person_json(*sender) : Json{{"id", m.sender_id}}}};
  if (m.reply_to_id) out["reply_to_id"] = *m.reply_to_id;
  if (m.media_url) out["media_url"] = *m.media_url;
  return out;
}

Json thread_json(const CirclesStore& store, const CirclesThread& t) {
  Json participants = Json::array();
  for (std::int64_t id : t.participants)
    if (auto u = store.user(id)) participants.push_back(person_json(*u));
  return {{"id", t.id}, {"status", t.status}, {"participants", participants}, {"created_at", t.created_at}};
}

std::optional<std::int64_t> json_int_id(const Json& id) {
  if (id.is_number_unsigned()) return parse_int_id(std::to_string(id.get<std::uint64_t>()));
  if (id.is_string()) return parse_int_id(id.get_ref<const std::string&>());
  return std::nullopt;
}

std::int64_t other_participant(const CirclesThread& t, std::int64_t user_id) {
  for (std::int64_t id : t.participants)
    if (id != user_id) return id;
  return user_id;
}

bool CirclesOutbox::publish(const gangway::RoomKey& room, std::string event, Json data) const {
  gangway::Event e{std::move(event), std::move(data), {}, std::nullopt};
  return publisher_.publish(subjects_.outbound("circles", room), gangway::serialize_event(e));
}

bool CirclesOutbox::to_user(std::int64_t user_id, std::string event, Json data) const {
  return publish({"user", std::to_string(user_id)}, std::move(event), std::move(data));
}

bool CirclesOutbox::to_thread(std::int64_t thread_id, std::string event, Json data) const {
  return publish({"dm", std::to_string(thread_id)}, std::move(event), std::move(data));
}

}  // namespace demo
