#pragma once
// The bodies a session publishes on gw.in (docs/nats.md, contracts/nats):
// a client frame's envelope, and the connect/disconnect lifecycle events.
// Pure functions; any thread.
#include <string>
#include <string_view>

#include "gateway/core/model.hpp"

namespace gangway {

// {"id", "app", "kind", "room": {"kind", "id"}, "user": {"id", "name"}, "conn",
//  "gateway", "received_at", "data"} for `action` of `self`, with the unique `id`.
Json envelope(const Action& action, const SessionInfo& self, std::string_view gateway_id, const std::string& id);

// {"id", "app", "user": {"id", "name"}, "conn", "gateway", "at"` + extra_members + `}`:
// `extra_members` is JSON text after the common members (`,"reason":"…"`).
std::string lifecycle_body(const SessionInfo& self, std::string_view gateway_id, std::string_view extra_members);

}  // namespace gangway
