// Gateway::check: what the parser alone cannot see, because it needs the
// dialects, the key material or the whole config at once (ports, callout
// templates). Run by --check-config and by every start.
#include <algorithm>

#include "adapters/registry.hpp"
#include "gateway/app/gateway.hpp"
#include "gateway/app/template_check.hpp"
#include "gateway/backend/ca_bundle.hpp"
#include "gateway/backend/request_template.hpp"
#include "gateway/core/route.hpp"
#include "gateway/proxy/upstream.hpp"
#include "gateway/tls/server_tls.hpp"

namespace gangway {
namespace {

bool has_jwt(const AppConfig& app) { return !app.jwt.keys.empty() || !app.jwt.jwks_url.empty(); }

std::string app_where(std::size_t i) { return "config.apps[" + std::to_string(i) + "]"; }

std::string comma_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool any_host(const std::string& host) { return host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]"; }

std::string same_host(const std::string& host) { return host == "localhost" ? "127.0.0.1" : host; }

// Both would bind the port: the same host, or one of them every interface.
bool overlap(const std::string& host_a, std::uint16_t port_a, const std::string& host_b, std::uint16_t port_b) {
  if (port_a == 0 || port_a != port_b) return false;  // 0: any free port
  return any_host(host_a) || any_host(host_b) || same_host(host_a) == same_host(host_b);
}

// Two apps on one port, or an app on the admin port: the second bind would
// fail at start with "address in use", naming neither.
std::string listen_problems(const Config& config) {
  std::string problems;
  for (std::size_t i = 0; i < config.apps.size(); ++i) {
    const auto& app = config.apps[i];
    auto listen = app.host + ":" + std::to_string(app.port);
    for (std::size_t k = 0; k < i; ++k)
      if (overlap(app.host, app.port, config.apps[k].host, config.apps[k].port))
        problems += app_where(i) + ".listen: " + listen + " is also the port of " + app_where(k) + " (app " +
                    config.apps[k].name + "); each app needs a port of its own\n";
    if (overlap(app.host, app.port, config.admin_host, config.admin_port))
      problems += app_where(i) + ".listen: " + listen + " is also the port of config.admin.listen\n";
  }
  return problems;
}

// The bare {name}s of a template part (path and query, or body) that
// `available` does not fill ("{data}" in a string body is the request's own
// body). The other sources ({frame:…}, {claim:…}, …) are template_check.cpp's.
std::vector<std::string> unfilled(const backend::RequestTemplate& part, const Params& available) {
  std::vector<std::string> missing;
  for (const auto& p : backend::placeholders(part)) {
    if (p.source != backend::Placeholder::Source::param || available.count(p.key)) continue;
    if (p.key == "data" && !part.body.empty()) continue;
    if (std::find(missing.begin(), missing.end(), p.key) == missing.end()) missing.push_back(p.key);
  }
  return missing;
}

// Every bare {param} of a callout's path, query and body must be filled by
// something: the route (the core copies every route parameter into each
// call), the user's id (not for the cookie session's callout, which runs
// before the user is known), or the dialect (Adapter::callout_params: a
// frame's field, an option). Else each call fails and the socket sees
// "unavailable" or, in circles, a 4403 close with nothing said. The sourced
// placeholders ({route:…}, {claim:…}, {frame:…}, …) are template_check.cpp's.
std::string param_problems(const AppConfig& app, std::size_t index, const Adapter& adapter) {
  Params routes;
  std::vector<std::string> route_names;
  for (const auto& r : app.routes)
    for (const auto& p : RouteTemplate(r).params())  // valid: the parser checked each route
      if (routes.emplace(p, "x").second) route_names.push_back(p);
  std::string problems;
  for (const auto& [name, spec] : app.callouts) {
    Params available = routes;
    bool session = app.session && app.session->callout == name;
    if (!session) available["user_id"] = "x";
    auto dialect = adapter.callout_params(name);
    for (const auto& p : dialect) available[p] = "x";
    std::string sources = "the routes have " + (route_names.empty() ? "no parameters" : comma_list(route_names)) +
                          (session ? "; user_id is not known yet when the session callout runs" : "; user_id") +
                          (dialect.empty() ? "" : "; " + app.dialect + " fills " + comma_list(dialect));
    backend::RequestTemplate target, body;
    target.path = spec.path;
    target.query = spec.query;
    body.method = spec.method;
    body.path = "/";
    body.body = spec.body;
    body.body_template = spec.body_template;
    for (const auto& [part, is_body] : {std::pair{&target, false}, std::pair{&body, true}})
      for (const auto& missing : unfilled(*part, available))
        problems += app_where(index) + ".callouts." + name + (is_body ? ".body" : ".path") + ": nothing fills {" +
                    missing + "} (" + sources + ")\n";
  }
  return problems;
}

std::string jwt_problems(const AppConfig& app) {
  if (!has_jwt(app)) return {};
  // Keys whose secret_env was unset under Secrets::deferred have no material: not checkable here.
  auth::JwtPolicy policy = app.jwt;
  policy.keys.erase(std::remove_if(policy.keys.begin(), policy.keys.end(),
                                   [](const auth::JwtKey& k) { return k.material.empty(); }),
                    policy.keys.end());
  if (policy.keys.empty() && policy.jwks_url.empty()) return {};
  try {
    auth::JwtVerifier verifier(policy);
  } catch (const std::exception& e) {
    return "app " + app.name + ": " + e.what() + "\n";
  }
  return {};
}

std::string app_problems(const AppConfig& app, std::size_t index) {
  const Dialect* dialect = find_dialect(app.dialect);
  if (!dialect) {
    std::string known;
    for (auto name : dialect_names()) known += (known.empty() ? "" : ", ") + std::string(name);
    return "app " + app.name + ": unknown dialect '" + app.dialect + "' (known: " + known + ")\n";
  }
  auto made = dialect->make(app.options);
  if (!made) return "app " + app.name + ": " + made.error() + "\n";
  const Adapter* adapter = made->get();
  std::string problems;
  for (const auto& name : adapter->required_callouts())
    if (!app.callouts.count(name))
      problems += "app " + app.name + ": dialect " + app.dialect + " needs callout '" + name + "'\n";
  if (app.session && app.allowed_origins.empty())
    problems += "app " + app.name + ": cookie sessions need allowed_origins (cross-site WebSocket hijacking)\n";
  if (adapter->credential() == Credential::cookie && !app.session)
    problems += "app " + app.name + ": dialect " + app.dialect + " authenticates with a session cookie; add session\n";
  if (adapter->credential() != Credential::cookie && !has_jwt(app))
    problems += "app " + app.name + ": dialect " + app.dialect + " authenticates with JWTs; add jwt.keys or jwt.jwks_url\n";
  problems += jwt_problems(app);
  problems += param_problems(app, index, *adapter);
  problems += template_problems(app);  // template_check.hpp: the sources besides {name}
  if (!app.backend_ca_file.empty())
    if (auto p = backend::ca_bundle_problem(app.backend_ca_file); !p.empty())
      problems += "app " + app.name + ": backend.ca_file: " + p + "\n";
  if (!app.jwt.jwks_ca_file.empty())
    if (auto p = backend::ca_bundle_problem(app.jwt.jwks_ca_file); !p.empty())
      problems += "app " + app.name + ": jwt.jwks_ca_file: " + p + "\n";
  if (app.tls) {
    if (auto p = tls::tls_problem(*app.tls, "app " + app.name + ": tls"); !p.empty()) problems += p + "\n";
    // HttpConnection and the relay (gateway/proxy) read and write a plain
    // socket; over TLS they would see encrypted bytes.
    if (app.passthrough.enabled)
      problems += "app " + app.name + ": tls and passthrough cannot be used together (the pass-through serves "
                  "plain HTTP only): terminate TLS in front of the gateway for this port, or serve the REST "
                  "calls from a port without tls\n";
  }
  if (app.passthrough.enabled) {
    try {
      proxy::Upstream upstream(app.passthrough, app.backend_url, 1);  // resolves nothing: checks the URL
    } catch (const std::exception& e) {
      problems += "app " + app.name + ": " + e.what() + "\n";
    }
  }
  return problems;
}

}  // namespace

std::string Gateway::check(const Config& config) {
  std::string problems;
  for (std::size_t i = 0; i < config.apps.size(); ++i) problems += app_problems(config.apps[i], i);
  problems += listen_problems(config);
  if (config.admin_tls)
    if (auto p = tls::tls_problem(*config.admin_tls, "admin.tls"); !p.empty()) problems += p + "\n";
  if (config.nats.enabled) {
    // A secret left unset under Secrets::deferred is empty: only TLS can be checked then.
    bool deferred = std::any_of(config.unset_env.begin(), config.unset_env.end(),
                                [](const UnsetVariable& u) { return u.key.rfind("config.nats.", 0) == 0; });
    bus::NatsAuth auth = config.nats.auth;
    if (deferred) auth.method = bus::NatsAuth::Method::none;
    if (auto p = bus::security_problems(auth, config.nats.tls, config.nats.url); !p.empty()) problems += p + "\n";
  }
  return problems;
}

}  // namespace gangway
