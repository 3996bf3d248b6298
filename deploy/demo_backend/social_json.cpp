#include "deploy/demo_backend/social_json.hpp"

namespace demo {

using gangway::Json;

Json session_json(const SocialUser& u) {
  return {{"user_id", u.id}, {"username", u.username}, {"is_admin", u.is_admin}};
}

Json message_json(const SocialMessage& m) {
  Json j = {{"type", m.type}, {"content", m.content}, {"timestamp", m.timestamp}};
  if (m.type == "private")
    j["to"] = m.to;
  else
    j["group_id"] = m.group_id;
  return j;
}

Json stored_message_json(const SocialMessage& m) {
  Json j = message_json(m);
  j["id"] = m.id;
  j["from"] = m.from;
  return j;
}

Json notification_json(const SocialNotification& n) {
  return {{"id", n.id},
          {"type", n.type},
          {"message", n.message},
          {"is_read", n.is_read},
          {"created_at", n.created_at}};
}

}  // namespace demo
