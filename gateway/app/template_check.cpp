#include "gateway/app/template_check.hpp"

#include <algorithm>
#include <set>

#include "gateway/core/route.hpp"

namespace gangway {

namespace {

using Source = backend::Placeholder::Source;

// What a callout is used for: it decides what its templates can read.
struct Roles {
  bool store = false;    // persist.<kind>.callout (via http)
  bool session = false;  // session.callout: before the user is known
  bool dialect = false;  // the dialect's own calls, and anything else
};

Roles roles_of(const AppConfig& app, const std::string& name) {
  Roles r;
  for (const auto& [kind, p] : app.persist) r.store = r.store || (p.via == PersistSpec::Via::http && p.callout == name);
  r.session = app.session && app.session->callout == name;
  r.dialect = !r.store && !r.session;
  return r;
}

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

// Why `p` cannot be filled in a callout with these roles; "" if it can.
std::string unfilled(const backend::Placeholder& p, const Roles& roles, const std::set<std::string>& route) {
  switch (p.source) {
    case Source::param:
      return "";  // config_check.cpp's param_problems names a {name} nothing fills
    case Source::route:
      return route.count(p.key) ? "" : "no route of the app has {" + p.key + "} (" + join(route) + ")";
    case Source::user:
    case Source::claim:
      return roles.session ? "the session callout runs before the user is known" : "";
    case Source::frame:
    case Source::data:
    case Source::envelope:
      return roles.store && !roles.session && !roles.dialect ? "" : "only a store (persist \"via\": \"http\") has a frame";
  }
  return "";
}

}  // namespace

std::string template_problems(const AppConfig& app) {
  std::set<std::string> route;
  for (const auto& r : app.routes) {
    try {
      for (auto& name : RouteTemplate(r).params()) route.insert(std::move(name));
    } catch (const std::invalid_argument&) {
      // parse_config refused it already
    }
  }
  std::string problems;
  for (const auto& [name, spec] : app.callouts) {
    Roles roles = roles_of(app, name);
    if (app.sender.callout == name) roles.dialect = true;  // a profile callout runs like the dialect's
    std::set<std::string> seen;
    for (const auto& p : backend::placeholders(spec)) {
      auto why = unfilled(p, roles, route);
      if (why.empty() || !seen.insert(p.text).second) continue;
      problems += "app " + app.name + ": callout " + name + ": " + p.text + " cannot be filled: " + why + "\n";
    }
  }
  return problems;
}

}  // namespace gangway
