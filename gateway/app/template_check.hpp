#pragma once
// --check-config's look at an app's request templates (Gateway::check).
#include <string>

#include "gateway/config/config.hpp"

namespace gangway {

// One line per sourced placeholder that no source can fill where its callout
// is used, naming the app, the callout and the placeholder (the bare {name}s,
// filled by the route, user_id and the dialect, are config_check.cpp's):
//   - {route:name}: a parameter of one of the app's routes;
//   - {user:…}, {claim:…}: not in the session callout;
//   - {frame:…}, {data:…}, {envelope}: only in a store (persist … "via": "http").
// Empty when every one can be filled.
std::string template_problems(const AppConfig& app);

}  // namespace gangway
