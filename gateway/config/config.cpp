#include "gateway/config/config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "gateway/config/config_parse.hpp"
#include "gateway/core/json_parse.hpp"
#include "gateway/core/route.hpp"
#include "gateway/core/subject.hpp"

namespace gangway {
namespace {

using config_parse::ConfigError;
using config_parse::check_pointer;
using config_parse::get_or;
using config_parse::lookup;
using config_parse::number_in;
using config_parse::parse_callout;
using config_parse::parse_persist;
using config_parse::parse_sender;
using config_parse::read_file;

// "127.0.0.1:8000" -> host, port (0: any free port). Digits only: atoi would
// read "1900x" as 1900 and listen there.
void parse_listen(const std::string& s, std::string& host, std::uint16_t& port, const std::string& where) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) throw ConfigError(where + " must be HOST:PORT, e.g. 127.0.0.1:8000");
  auto digits = s.substr(colon + 1);
  bool number = !digits.empty() && digits.size() <= 5 &&
                std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!number || std::stoi(digits) > 65535)
    throw ConfigError(where + ": '" + s + "' has a malformed port (want 0 to 65535)");
  host = s.substr(0, colon);
  port = static_cast<std::uint16_t>(std::stoi(digits));
}

// A key's material; with Secrets::deferred an unset secret_env gives "".
std::string secret_from(const Json& k, const std::string& where) {
  auto env = get_or<std::string>(k, "secret_env", "", where);
  auto file = get_or<std::string>(k, "public_key_file", "", where);
  auto pem = get_or<std::string>(k, "public_key", "", where);
  auto secret = get_or<std::string>(k, "secret", "", where);
  if (!env.empty() + !file.empty() + !pem.empty() + !secret.empty() > 1)
    throw ConfigError(where + ": set only one of secret, secret_env, public_key, public_key_file");
  if (!env.empty()) {
    if (const char* v = std::getenv(env.c_str()); v && *v) return v;
    if (config_parse::defer_unset(env, where + ".secret_env")) return {};
    throw ConfigError(where + ": environment variable " + env + " is not set");
  }
  if (!file.empty()) return read_file(file, where);
  if (!pem.empty()) return pem;
  if (secret.empty()) throw ConfigError(where + " needs secret, secret_env, public_key or public_key_file");
  return secret;
}

// A CA bundle beside an https URL (`url_key`): a readable file, or "" for the
// system trust store. Its contents are checked at startup (Gateway::check).
std::string ca_file(const Json& j, const char* key, const std::string& where, const std::string& url,
                    const char* url_key) {
  auto path = get_or<std::string>(j, key, "", where);
  if (path.empty()) return path;
  if (url.rfind("https://", 0) != 0) throw ConfigError(where + "." + key + " needs an https:// " + url_key);
  if (!std::ifstream(path)) throw ConfigError(where + "." + key + ": cannot read " + path);
  return path;
}

auth::JwtPolicy parse_jwt(const Json& j, const std::string& where) {
  auth::JwtPolicy p;
  p.issuer = get_or<std::string>(j, "issuer", "", where);
  if (auto a = lookup(j, "audience"); a != j.end()) {
    if (a->is_string()) p.audiences = {a->get<std::string>()};
    else p.audiences = get_or<std::vector<std::string>>(j, "audience", {}, where);
  }
  p.leeway_s = get_or<std::int64_t>(j, "leeway_s", 30, where);
  p.require_exp = get_or<bool>(j, "require_exp", true, where);
  p.user_claim = get_or<std::string>(j, "user_claim", "sub", where);
  p.name_claims = get_or<std::vector<std::string>>(j, "name_claims", p.name_claims, where);
  p.username_claim = get_or<std::string>(j, "username_claim", p.username_claim, where);
  p.jwks_url = get_or<std::string>(j, "jwks_url", "", where);
  if (!p.jwks_url.empty() && p.jwks_url.rfind("https://", 0) != 0 && p.jwks_url.rfind("http://", 0) != 0)
    throw ConfigError(where + ".jwks_url must be an http:// or https:// URL");
  p.jwks_ca_file = ca_file(j, "jwks_ca_file", where, p.jwks_url, "jwks_url");
  p.jwks_refresh_s = get_or<std::int64_t>(j, "jwks_refresh_s", 300, where);
  if (p.jwks_refresh_s < 1) throw ConfigError(where + ".jwks_refresh_s must be at least 1");
  auto keys = lookup(j, "keys");
  if (p.jwks_url.empty() && (keys == j.end() || !keys->is_array() || keys->empty()))
    throw ConfigError(where + ".keys must list keys (or set jwks_url)");
  if (keys == j.end()) return p;
  if (!keys->is_array()) throw ConfigError(where + ".keys must be an array");
  int i = 0;
  for (const auto& k : *keys) {
    auto kw = where + ".keys[" + std::to_string(i++) + "]";
    auth::JwtKey key;
    key.alg = get_or<std::string>(k, "alg", "", kw);
    if (key.alg != "HS256" && key.alg != "RS256" && key.alg != "ES256")
      throw ConfigError(kw + ".alg must be HS256, RS256 or ES256");
    key.kid = get_or<std::string>(k, "kid", "", kw);
    key.material = secret_from(k, kw);
    // RFC 7518 3.2: at least the hash's size. A short secret can be brute-forced from one token.
    if (key.alg == "HS256" && !key.material.empty() && key.material.size() < 32)
      throw ConfigError(kw + ": an HS256 secret needs at least 32 bytes (RFC 7518, 3.2); this one has " +
                        std::to_string(key.material.size()));
    p.keys.push_back(std::move(key));
  }
  return p;
}

void parse_backend(const Json& b, AppConfig& a, const std::string& where) {
  a.backend_url = get_or<std::string>(b, "url", "", where);
  a.backend_threads = static_cast<unsigned>(number_in(b, "threads", a.backend_threads, 1, 256, where));
  a.backend_queue = static_cast<std::size_t>(number_in(b, "queue", static_cast<std::int64_t>(a.backend_queue), 1,
                                                       1'000'000, where));
  auto br = lookup(b, "breaker");
  if (br == b.end()) return;
  if (!br->is_object()) throw ConfigError(where + ".breaker must be an object");
  auto& breaker = a.backend_breaker;
  breaker.failures = static_cast<unsigned>(number_in(*br, "failures", breaker.failures, 0, 1000, where + ".breaker"));
  breaker.cooldown = std::chrono::milliseconds(
      number_in(*br, "cooldown_ms", breaker.cooldown.count(), 1, 3'600'000, where + ".breaker"));
}

void parse_admin(const Json& a, Config& c) {
  const std::string where = "config.admin";
  parse_listen(get_or<std::string>(a, "listen", "", where), c.admin_host, c.admin_port, where + ".listen");
  auto& o = c.admin;
  o.max_connections = static_cast<std::size_t>(
      number_in(a, "max_connections", static_cast<std::int64_t>(o.max_connections), 1, 10'000, where));
  o.request_timeout =
      std::chrono::milliseconds(number_in(a, "request_timeout_ms", o.request_timeout.count(), 1, 600'000, where));
  o.idle_timeout = std::chrono::milliseconds(number_in(a, "idle_timeout_ms", o.idle_timeout.count(), 1, 3'600'000, where));
  if (auto t = lookup(a, "tls"); t != a.end() && !t->is_null())
    c.admin_tls = config_parse::parse_listener_tls(*t, where + ".tls", true);
  c.admin_bearer_token = config_parse::parse_admin_bearer(a);
}

// config.delivery: each loop's bounds on the events it still has to deliver.
void parse_delivery(const Json& d, Config& c) {
  const std::string where = "config.delivery";
  if (!d.is_object()) throw ConfigError(where + " must be an object");
  auto& o = c.delivery;
  // At least one large event (a frame may be 1 MiB); at most what a loop could hold without harm.
  o.max_backlog_bytes = static_cast<std::size_t>(number_in(d, "max_backlog_bytes",
                                                           static_cast<std::int64_t>(o.max_backlog_bytes),
                                                           64 * 1024, std::int64_t{1} << 32, where));
  o.max_delay = std::chrono::milliseconds(number_in(d, "max_delay_ms", o.max_delay.count(), 10, 60'000, where));
  o.max_write_stall =
      std::chrono::milliseconds(number_in(d, "max_write_stall_ms", o.max_write_stall.count(), 100, 600'000, where));
}

// `true`, or { "enabled": true, "min_bytes": 256, "level": 6 }.
Compression parse_compression(const Json& j, const std::string& app_where) {
  auto where = app_where + ".permessage_deflate";
  Compression c;
  if (j.is_boolean()) {
    c.enabled = j.get<bool>();
    return c;
  }
  if (!j.is_object()) throw ConfigError(where + " must be true, false or an object");
  c.enabled = get_or<bool>(j, "enabled", true, where);
  auto min_bytes = get_or<std::int64_t>(j, "min_bytes", c.min_bytes, where);  // signed: -1 must not wrap
  c.level = get_or<int>(j, "level", c.level, where);
  if (c.level < 1 || c.level > 9) throw ConfigError(where + ".level must be 1 to 9");
  if (min_bytes < 1 || min_bytes > UINT32_MAX) throw ConfigError(where + ".min_bytes must be 1 to 4294967295");
  c.min_bytes = static_cast<std::uint32_t>(min_bytes);
  return c;
}

Limits parse_limits(const Json& j, const std::string& where) {
  Limits l;
  l.max_frame_bytes = get_or<std::size_t>(j, "max_frame_bytes", 0, where);
  l.max_queued_bytes = get_or<std::size_t>(j, "max_queued_bytes", 0, where);
  // Signed: a negative count must not wrap. Explicit 0 is refused too (unset: the default).
  if (auto frames = lookup(j, "max_queued_frames"); frames != j.end()) {
    auto n = get_or<std::int64_t>(j, "max_queued_frames", 0, where);
    if (n < 1 || n > kMaxQueuedFrames)
      throw ConfigError(where + ".max_queued_frames must be 1 to " + std::to_string(kMaxQueuedFrames) + " (it is " +
                        std::to_string(n) + ")");
    l.max_queued_frames = static_cast<std::size_t>(n);
  }
  l.idle_timeout_s = get_or<int>(j, "idle_timeout_s", 0, where);
  l.handshake_timeout_s = get_or<int>(j, "handshake_timeout_s", 0, where);
  l.max_connections_per_user = get_or<int>(j, "max_connections_per_user", 0, where);
  l.connections_per_minute = get_or<int>(j, "connections_per_minute", 0, where);
  if ((l.max_frame_bytes && l.max_frame_bytes < 128) || (l.idle_timeout_s && l.idle_timeout_s < 2) ||
      l.handshake_timeout_s < 0 || l.max_connections_per_user < 0 || l.connections_per_minute < 0)
    throw ConfigError(where + " has a limit that is too small");
  if (auto r = lookup(j, "rates"); r != j.end()) {
    if (!r->is_object()) throw ConfigError(where + ".rates must map kinds to [[count, window_s], ...]");
    config_parse::note_map(*r);
    for (auto it = r->begin(); it != r->end(); ++it) {
      auto rates = get_or<std::vector<std::pair<int, int>>>(*r, it.key().c_str(), {}, where + ".rates");
      for (auto [count, window] : rates)
        if (count < 1 || window < 1) throw ConfigError(where + ".rates." + it.key() + " needs positive numbers");
      l.rates[it.key()] = std::move(rates);
    }
  }
  return l;
}

AppConfig parse_app(const Json& j, const std::string& where) {
  AppConfig a;
  a.name = get_or<std::string>(j, "name", "", where);
  if (!is_valid_name(a.name)) throw ConfigError(where + ".name must be [a-z0-9_-]");
  a.dialect = get_or<std::string>(j, "dialect", "", where);
  parse_listen(get_or<std::string>(j, "listen", "", where), a.host, a.port, where + ".listen");
  if (auto t = lookup(j, "tls"); t != j.end() && !t->is_null())
    a.tls = config_parse::parse_listener_tls(*t, where + ".tls", false);
  a.routes = get_or<std::vector<std::string>>(j, "routes", {}, where);
  if (a.routes.empty()) throw ConfigError(where + ".routes must list at least one path");
  for (const auto& r : a.routes) {
    try {
      RouteTemplate t(r);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(where + ".routes: " + e.what());
    }
  }
  if (auto jwt = lookup(j, "jwt"); jwt != j.end()) a.jwt = parse_jwt(*jwt, where + ".jwt");
  a.token_sources = get_or<std::vector<std::string>>(j, "token_sources", {}, where);
  a.allowed_origins = get_or<std::vector<std::string>>(j, "allowed_origins", {}, where);
  if (auto b = lookup(j, "backend"); b != j.end()) {
    parse_backend(*b, a, where + ".backend");
    a.backend_ca_file = ca_file(*b, "ca_file", where + ".backend", a.backend_url, "url");
  }
  if (auto cs = lookup(j, "callouts"); cs != j.end()) {
    if (!cs->is_object()) throw ConfigError(where + ".callouts must be an object");
    config_parse::note_map(*cs);
    for (auto it = cs->begin(); it != cs->end(); ++it)
      a.callouts.emplace(it.key(), parse_callout(it.value(), where + ".callouts." + it.key()));
  }
  if (!a.callouts.empty() && a.backend_url.empty()) throw ConfigError(where + ".backend.url is needed for callouts");
  if (auto pt = lookup(j, "passthrough"); pt != j.end()) a.passthrough = config_parse::parse_passthrough(*pt, a.backend_url, where);
  if (auto l = lookup(j, "limits"); l != j.end()) a.limits = parse_limits(*l, where + ".limits");
  if (auto pmd = lookup(j, "permessage_deflate"); pmd != j.end()) a.permessage_deflate = parse_compression(*pmd, where);
  if (auto ps = lookup(j, "persist"); ps != j.end()) {
    if (!ps->is_object()) throw ConfigError(where + ".persist must be an object");
    config_parse::note_map(*ps);
    for (auto it = ps->begin(); it != ps->end(); ++it) {
      auto spec = parse_persist(it.value(), where + ".persist." + it.key());
      if (!spec.callout.empty() && !a.callouts.count(spec.callout))
        throw ConfigError(where + ".persist." + it.key() + ".callout names no callout");
      a.persist.emplace(it.key(), std::move(spec));
    }
  }
  if (auto se = lookup(j, "session"); se != j.end()) {
    SessionAuth sa;
    sa.cookie = get_or<std::string>(*se, "cookie", "", where + ".session");
    sa.callout = get_or<std::string>(*se, "callout", "", where + ".session");
    sa.user_pointer = get_or<std::string>(*se, "user_pointer", sa.user_pointer, where + ".session");
    sa.name_pointer = get_or<std::string>(*se, "name_pointer", sa.name_pointer, where + ".session");
    sa.username_pointer = get_or<std::string>(*se, "username_pointer", sa.username_pointer, where + ".session");
    if (sa.cookie.empty() || !a.callouts.count(sa.callout))
      throw ConfigError(where + ".session needs a cookie name and the name of a configured callout");
    a.session = std::move(sa);
  }
  if (auto sender = lookup(j, "sender"); sender != j.end()) a.sender = parse_sender(*sender, a, where + ".sender");
  a.admin_pointer = get_or<std::string>(j, "admin_pointer", "", where);
  for (const auto* pointer : {&a.admin_pointer, a.session ? &a.session->user_pointer : nullptr,
                              a.session ? &a.session->name_pointer : nullptr,
                              a.session ? &a.session->username_pointer : nullptr}) {
    if (!pointer || pointer->empty()) continue;
    try {
      Json::json_pointer check(*pointer);
    } catch (const Json::exception&) {
      throw ConfigError(where + ": '" + *pointer + "' is not a JSON pointer");
    }
  }
  if (auto o = lookup(j, "options"); o != j.end()) {
    if (!o->is_object()) throw ConfigError(where + ".options must be an object");
    a.options = *o;
  }
  return a;
}

std::string default_gateway_id() {
  char host[64] = {0};
  ::gethostname(host, sizeof host - 1);
  std::string id = "gw-";
  for (const char* c = host; *c; ++c) id += is_valid_id(std::string_view(c, 1)) ? *c : '-';
  return id + "-" + std::to_string(::getpid());
}

Config parse_document(const Json& j) {
  Config c;
  c.gateway_id = get_or<std::string>(j, "gateway_id", default_gateway_id(), "config");
  if (!is_valid_id(c.gateway_id)) throw ConfigError("config.gateway_id must be [A-Za-z0-9_-]");
  c.threads = get_or<unsigned>(j, "threads", 0, "config");
  c.max_json_depth = get_or<std::size_t>(j, "max_json_depth", kDefaultMaxJsonDepth, "config");
  // Past ~1,000 levels a recursive walk of one document could use a loop's stack.
  if (c.max_json_depth < 1 || c.max_json_depth > 1000)
    throw ConfigError("config.max_json_depth must be between 1 and 1000");
  if (auto n = lookup(j, "nats"); n != j.end()) c.nats = config_parse::parse_nats(*n);
  if (auto a = lookup(j, "admin"); a != j.end()) parse_admin(*a, c);
  if (auto d = lookup(j, "delivery"); d != j.end()) parse_delivery(*d, c);
  if (auto d = lookup(j, "drain"); d != j.end()) c.drain = config_parse::parse_drain(*d);
  auto apps = lookup(j, "apps");
  if (apps == j.end() || !apps->is_array() || apps->empty()) throw ConfigError("config.apps must list apps");
  for (std::size_t i = 0; i < apps->size(); ++i)
    c.apps.push_back(parse_app((*apps)[i], "config.apps[" + std::to_string(i) + "]"));
  for (std::size_t i = 0; i < c.apps.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (c.apps[i].name == c.apps[k].name) throw ConfigError("config.apps: duplicate name " + c.apps[i].name);
  return c;
}

}  // namespace

namespace config_parse {

std::string read_file(const std::string& path, const std::string& where) {
  std::ifstream in(path);
  if (!in) throw ConfigError(where + ": cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace config_parse

Result<Config, std::string> parse_config(std::string_view text, Secrets secrets) {
  JsonRefusal why;
  Json j = parse_json(text, &why);
  if (why == JsonRefusal::too_deep)
    return Failure{"config nests deeper than " + std::to_string(max_json_depth()) + " levels"};
  if (j.is_discarded()) return Failure{config_parse::json_syntax_error(text)};
  if (!j.is_object()) return Failure{std::string("config is not a JSON object")};
  config_parse::ParseContext context;
  context.secrets = secrets;
  config_parse::ParseScope scope(context);
  try {
    Config c = parse_document(j);
    // Unknown keys only once everything was read: a key is known if some
    // part of the parser looked it up.
    std::string unknown;
    for (const auto& problem : config_parse::unknown_keys(j, context)) unknown += (unknown.empty() ? "" : "\n") + problem;
    if (!unknown.empty()) return Failure{unknown};
    c.unset_env = std::move(context.unset_env);
    return c;
  } catch (const ConfigError& e) {
    return Failure{std::string(e.what())};
  }
}

AcceptedKeys accepted_config_keys(std::string_view text) {
  AcceptedKeys out;
  Json j = parse_json(text);
  if (!j.is_object()) {
    out.error = config_parse::json_syntax_error(text);
    return out;
  }
  config_parse::ParseContext context;
  context.secrets = Secrets::deferred;
  config_parse::ParseScope scope(context);
  try {
    parse_document(j);
  } catch (const ConfigError& e) {
    out.error = e.what();
  }
  config_parse::accepted_keys(j, context, out);
  return out;
}

Result<Config, std::string> load_config(const std::string& path, Secrets secrets) {
  std::ifstream in(path);
  if (!in) return Failure{"cannot read config file " + path};
  std::stringstream ss;
  ss << in.rdbuf();
  auto c = parse_config(ss.str(), secrets);
  if (!c) return c;
  apply_env_overrides(*c);
  if (auto problem = drain_problem(c->drain); !problem.empty())
    return Failure{"config." + problem + " (GANGWAY_DRAIN_GRACE_S applied)"};
  return c;
}

void apply_env_overrides(Config& c) {
  if (const char* v = std::getenv("GANGWAY_NATS_URL"); v && *v) c.nats.url = v;
  if (const char* v = std::getenv("GANGWAY_GATEWAY_ID"); v && *v && is_valid_id(v)) c.gateway_id = v;
  if (const char* v = std::getenv("GANGWAY_THREADS"); v && *v) c.threads = static_cast<unsigned>(std::atoi(v));
  // In a container the same config listens on every interface instead of
  // loopback. Not the admin port: it has its own variable, so that opening
  // the apps does not open it too (docs/configuration.md, "The admin port").
  if (const char* v = std::getenv("GANGWAY_LISTEN_HOST"); v && *v)
    for (auto& app : c.apps) app.host = v;
  if (const char* v = std::getenv("GANGWAY_ADMIN_HOST"); v && *v) c.admin_host = v;
  // The drain must end before the platform's kill: a chart sets both from one value.
  if (const char* v = std::getenv("GANGWAY_DRAIN_GRACE_S"); v && *v) c.drain.grace = std::chrono::seconds(std::atoi(v));
}

}  // namespace gangway
