#pragma once
// Turns a backend's HTTP answer into a callout outcome. Pure; any thread.
#include <string_view>

#include "gateway/backend/callout_client.hpp"

namespace gangway::backend {

// 2xx → allowed, unless the spec has an allow_pointer: then the body must be
// JSON with that pointer equal to allow_equals (absent or different → denied,
// body not JSON or the pointer itself malformed → unavailable).
// 401, 403, 404 → denied. Anything else (3xx, other 4xx, 5xx) → unavailable,
// and so is a 2xx whose body nests past max_json_depth (json_parse.hpp).
// The result's body is the parsed JSON, or null when the body is not JSON.
CalloutResult classify_response(const CalloutSpec& spec, int status, std::string_view body);

}  // namespace gangway::backend
