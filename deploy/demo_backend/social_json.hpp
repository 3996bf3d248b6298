#pragma once
// Seed 003's JSON shapes for the demo's social data. Pure.
#include "deploy/demo_backend/social_store.hpp"
#include "gateway/core/model.hpp"

namespace demo {

// {"user_id","username","is_admin"}: the login answer and the session callout's.
gangway::Json session_json(const SocialUser& u);
// The seed's history item: {"type","to","content","timestamp"} or
// {"type","group_id","content","timestamp"} (group_id a string, as the seed shows).
gangway::Json message_json(const SocialMessage& m);
// What the store callout answers (the gateway fans it out): message_json plus "id" and "from".
gangway::Json stored_message_json(const SocialMessage& m);
// {"id","type","message","is_read","created_at"}.
gangway::Json notification_json(const SocialNotification& n);

}  // namespace demo
