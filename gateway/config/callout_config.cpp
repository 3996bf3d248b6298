// The callouts, persisted kinds and sender profile of an app's config.
#include <cstdint>

#include "gateway/config/config_parse.hpp"

namespace gangway::config_parse {

// An integer key within [low, high]; the error names the key and the range.
std::int64_t number_in(const Json& j, const char* key, std::int64_t fallback, std::int64_t low, std::int64_t high,
                       const std::string& where) {
  auto v = get_or<std::int64_t>(j, key, fallback, where);
  if (v < low || v > high)
    throw ConfigError(where + "." + key + " must be " + std::to_string(low) + " to " + std::to_string(high));
  return v;
}

void check_pointer(const std::string& pointer, const std::string& where) {
  if (pointer.empty()) return;
  try {
    Json::json_pointer check(pointer);
  } catch (const Json::exception&) {
    throw ConfigError(where + ": '" + pointer + "' is not a JSON pointer");
  }
}

backend::CalloutSpec parse_callout(const Json& j, const std::string& where) {
  backend::CalloutSpec c;
  c.method = get_or<std::string>(j, "method", "GET", where);
  c.path = get_or<std::string>(j, "path", "", where);
  if (auto q = lookup(j, "query"); q != j.end() && !q->is_null()) {
    if (!q->is_object()) throw ConfigError(where + ".query must map parameter names to value templates");
    for (auto it = q->begin(); it != q->end(); ++it) {
      if (!it->is_string()) throw ConfigError(where + ".query." + it.key() + " must be a string");
      c.query.emplace_back(it.key(), it->get<std::string>());
    }
  }
  if (auto b = lookup(j, "body"); b != j.end() && b->is_null()) {
    c.no_body = true;
  } else if (b != j.end()) {
    if (b->is_string()) c.body = b->get<std::string>();
    else c.body_template = *b;
  }
  if (auto problem = backend::template_problem(c); !problem.empty()) throw ConfigError(where + ": " + problem);
  auto forward = get_or<std::vector<std::string>>(j, "forward", {}, where);
  for (const auto& f : forward) {
    if (f == "bearer") c.forward_bearer = true;
    else if (f == "cookie") c.forward_cookie = true;
    else throw ConfigError(where + ".forward accepts \"bearer\" and \"cookie\"");
  }
  c.timeout = std::chrono::milliseconds(number_in(j, "timeout_ms", 2000, 1, 600'000, where));
  c.cache_ttl = std::chrono::milliseconds(number_in(j, "cache_ttl_ms", 0, 0, 86'400'000, where));
  c.allow_pointer = get_or<std::string>(j, "allow_pointer", "", where);
  if (auto eq = lookup(j, "allow_equals"); eq != j.end()) c.allow_equals = *eq;
  c.response_pointer = get_or<std::string>(j, "response_pointer", "", where);
  c.list_pointer = get_or<std::string>(j, "list_pointer", "", where);
  c.id_pointer = get_or<std::string>(j, "id_pointer", "", where);
  for (const auto* key : {"allow_pointer", "response_pointer", "list_pointer", "id_pointer"})
    check_pointer(get_or<std::string>(j, key, "", where), where + "." + key);
  return c;
}

PersistSpec parse_persist(const Json& j, const std::string& where) {
  PersistSpec p;
  auto via = get_or<std::string>(j, "via", "", where);
  if (via == "jetstream") p.via = PersistSpec::Via::jetstream;
  else if (via == "request") p.via = PersistSpec::Via::request;
  else if (via == "http") p.via = PersistSpec::Via::http;
  else throw ConfigError(where + ".via must be jetstream, request or http");
  p.subject = get_or<std::string>(j, "subject", "", where);
  p.callout = get_or<std::string>(j, "callout", "", where);
  if (p.via == PersistSpec::Via::http && p.callout.empty()) throw ConfigError(where + ".callout is needed for http");
  p.timeout = std::chrono::milliseconds(get_or<int>(j, "timeout_ms", 5000, where));
  p.into = get_or<std::string>(j, "into", "", where);
  check_pointer(p.into, where + ".into");
  if (!p.into.empty() && p.via == PersistSpec::Via::jetstream)
    throw ConfigError(where + ".into places a store's answer; a JetStream store answers none");
  auto fan_out = get_or<std::string>(j, "fan_out", "gateway", where);
  if (fan_out != "gateway" && fan_out != "backend") throw ConfigError(where + ".fan_out must be gateway or backend");
  p.backend_fans_out = fan_out == "backend";
  if (p.backend_fans_out && p.via == PersistSpec::Via::jetstream)
    throw ConfigError(where + ".fan_out backend needs a store that publishes (request or http)");
  return p;
}

// "sender": {"claims": {field: claim}, "callout": name, "pointers": {field: pointer}}.
SenderProfile parse_sender(const Json& j, const AppConfig& a, const std::string& where) {
  if (!j.is_object()) throw ConfigError(where + " must be an object");
  SenderProfile p;
  p.claims = get_or<std::map<std::string, std::string>>(j, "claims", {}, where);
  p.callout = get_or<std::string>(j, "callout", "", where);
  p.pointers = get_or<std::map<std::string, std::string>>(j, "pointers", {}, where);
  for (const auto& field : {&p.claims, &p.pointers})
    for (const auto& [name, value] : *field)
      if (name != "id" && name != "name" && name != "username" && name != "avatar_url")
        throw ConfigError(where + ": unknown field '" + name + "' (id, name, username, avatar_url)");
  for (const auto& [name, pointer] : p.pointers) check_pointer(pointer, where + ".pointers." + name);
  if (!p.callout.empty() && !a.callouts.count(p.callout)) throw ConfigError(where + ".callout names no callout");
  if (p.callout.empty() != p.pointers.empty())
    throw ConfigError(where + ": a profile callout and its pointers go together");
  return p;
}

}  // namespace gangway::config_parse
