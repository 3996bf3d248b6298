#pragma once
// --check-config's look at an app's request templates (Gateway::check).
#include <string>

#include "adapters/adapter.hpp"
#include "gateway/config/config.hpp"

namespace gangway {

// One line per placeholder that no source can fill where its callout is
// used, naming the app, the callout and the placeholder:
//   - {name}: a route parameter, user_id (not in the session callout, which
//     runs before the user is known), or a parameter the dialect passes to
//     that callout (Adapter::callout_params); "{data}" in a string body;
//   - {route:name}: a parameter of one of the app's routes;
//   - {user:…}, {claim:…}: not in the session callout;
//   - {frame:…}, {data:…}, {envelope}: only in a store (persist … "via": "http").
// Empty when every one can be filled.
std::string template_problems(const AppConfig& app, const Adapter& adapter);

}  // namespace gangway
