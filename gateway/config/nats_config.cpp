// config.nats: the server list, subjects, and how the gateway authenticates
// to NATS and checks it (docs/configuration.md, "NATS security").
#include <cstdlib>
#include <fstream>

#include "gateway/config/config_parse.hpp"
#include "gateway/core/subject.hpp"

namespace gangway::config_parse {
namespace {

using Method = bus::NatsAuth::Method;
const std::string kWhere = "config.nats";

std::string trim(std::string s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && space(s[i])) ++i;
  return s.substr(i);
}

// A file the gateway (or nats.c) reads later: it must be readable now. "" when absent.
std::string readable_file(const Json& j, const char* key, const std::string& where) {
  if (!has(j, key)) return {};
  auto path = get_or<std::string>(j, key, "", where);
  if (path.empty()) throw ConfigError(where + "." + key + " is empty");
  if (!std::ifstream(path)) throw ConfigError(where + "." + key + ": cannot read " + path);
  return path;
}

// The methods whose keys appear; each key belongs to one method.
Method method_of(const Json& n) {
  struct Family {
    Method method;
    std::vector<const char*> keys;
  };
  const Family families[] = {
      {Method::user_password, {"user", "password", "password_env", "password_file"}},
      {Method::token, {"token", "token_env", "token_file"}},
      {Method::nkey, {"nkey", "nkey_seed_file", "nkey_seed_env"}},
      {Method::credentials, {"credentials_file", "credentials_env"}},
  };
  Method found = Method::none;
  for (const auto& f : families) {
    bool present = false;
    for (const char* k : f.keys) present = has(n, k) || present;  // each looked up: a known key
    if (!present) continue;
    if (found != Method::none)
      throw ConfigError(kWhere + ": choose one authentication: user/password, token, nkey or credentials");
    found = f.method;
  }
  return found;
}

bus::NatsAuth parse_auth(const Json& n) {
  bus::NatsAuth a;
  a.method = method_of(n);
  switch (a.method) {
    case Method::none: break;
    case Method::user_password: {
      a.user = get_or<std::string>(n, "user", "", kWhere);
      auto password = secret(n, "password", kWhere);
      if (a.user.empty() || !password)
        throw ConfigError(kWhere + ": user/password needs user and one of password, password_env, password_file");
      a.password = *password;
      break;
    }
    case Method::token: a.token = *secret(n, "token", kWhere); break;
    case Method::nkey: {
      a.nkey = get_or<std::string>(n, "nkey", "", kWhere);
      if (a.nkey.empty()) throw ConfigError(kWhere + ".nkey (the user's public key, U…) is needed with a seed");
      bool file = has(n, "nkey_seed_file"), env = has(n, "nkey_seed_env");
      if (file && env) throw ConfigError(kWhere + ": set only one of nkey_seed_file, nkey_seed_env");
      if (!file && !env) throw ConfigError(kWhere + ".nkey needs nkey_seed_file or nkey_seed_env");
      // A file is left to nats.c, which reads it at each connect and wipes it.
      if (file) a.nkey_seed_file = readable_file(n, "nkey_seed_file", kWhere);
      else a.nkey_seed = *secret(n, "nkey_seed", kWhere, false);
      break;
    }
    case Method::credentials:
      if (has(n, "credentials_file") && has(n, "credentials_env"))
        throw ConfigError(kWhere + ": set only one of credentials_file, credentials_env");
      a.credentials_file = readable_file(n, "credentials_file", kWhere);
      if (a.credentials_file.empty()) a.credentials = *secret(n, "credentials", kWhere, false);
      break;
  }
  return a;
}

// `true`, or {"ca_file", "cert_file", "key_file", "server_name", "enabled"}.
bus::NatsTls parse_tls(const Json& t) {
  const std::string where = kWhere + ".tls";
  bus::NatsTls tls;
  if (t.is_boolean()) {
    tls.enabled = t.get<bool>();
    return tls;
  }
  if (!t.is_object()) throw ConfigError(where + " must be true, false or an object");
  tls.enabled = get_or<bool>(t, "enabled", true, where);
  tls.ca_file = readable_file(t, "ca_file", where);
  tls.cert_file = readable_file(t, "cert_file", where);
  tls.key_file = readable_file(t, "key_file", where);
  if (tls.cert_file.empty() != tls.key_file.empty()) throw ConfigError(where + ": cert_file and key_file go together");
  tls.server_name = get_or<std::string>(t, "server_name", "", where);
  return tls;
}

}  // namespace

std::optional<std::string> secret(const Json& j, const std::string& key, const std::string& where, bool inline_ok) {
  const std::string env_key = key + "_env", file_key = key + "_file";
  int given = (inline_ok && has(j, key)) + has(j, env_key) + has(j, file_key);
  if (given == 0) return std::nullopt;
  if (given > 1)
    throw ConfigError(where + ": set only one of " + (inline_ok ? key + ", " : "") + env_key + ", " + file_key);
  if (has(j, env_key)) {
    auto env = get_or<std::string>(j, env_key.c_str(), "", where);
    const char* v = env.empty() ? nullptr : std::getenv(env.c_str());
    if (v && *v) return std::string(v);
    if (!env.empty() && defer_unset(env, where + "." + env_key)) return std::string();
    throw ConfigError(where + "." + env_key + ": environment variable " + env + " is not set");
  }
  if (has(j, file_key)) {
    auto path = get_or<std::string>(j, file_key.c_str(), "", where);
    auto value = trim(read_file(path, where + "." + file_key));
    if (value.empty()) throw ConfigError(where + "." + file_key + ": " + path + " is empty");
    return value;
  }
  auto value = get_or<std::string>(j, key.c_str(), "", where);
  if (value.empty()) throw ConfigError(where + "." + key + " is empty");
  return value;
}

NatsConfig parse_nats(const Json& n) {
  NatsConfig c;
  if (!n.is_object()) throw ConfigError(kWhere + " must be an object");
  c.enabled = get_or<bool>(n, "enabled", true, kWhere);
  c.url = get_or<std::string>(n, "url", c.url, kWhere);
  c.subject_prefix = get_or<std::string>(n, "subject_prefix", "gw", kWhere);
  if (!is_valid_name(c.subject_prefix)) throw ConfigError(kWhere + ".subject_prefix must be [a-z0-9_-]");
  c.wildcard_rooms = get_or<std::vector<std::string>>(n, "wildcard_rooms", c.wildcard_rooms, kWhere);
  for (const auto& kind : c.wildcard_rooms)
    if (!is_valid_name(kind)) throw ConfigError(kWhere + ".wildcard_rooms must list room kinds ([a-z0-9_-])");
  c.outbox_bytes = get_or<std::size_t>(n, "outbox_bytes", c.outbox_bytes, kWhere);
  if (c.outbox_bytes < 1024) throw ConfigError(kWhere + ".outbox_bytes must be at least 1024");
  c.auth = parse_auth(n);
  if (auto t = lookup(n, "tls"); t != n.end() && !t->is_null()) c.tls = parse_tls(*t);
  return c;
}

}  // namespace gangway::config_parse
