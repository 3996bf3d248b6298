#pragma once
// Helpers shared by the config's parsing files (config.cpp, nats_config.cpp).
// Internal to gateway/config: parse_config() turns a ConfigError into its
// Failure; nothing else may see one.
#include <optional>
#include <stdexcept>
#include <string>

#include "gateway/config/config.hpp"

namespace gangway::config_parse {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// j[key] as a T; `fallback` when absent or null. Throws ConfigError naming where.key.
template <class T>
T get_or(const Json& j, const char* key, T fallback, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const Json::exception&) {
    throw ConfigError(where + "." + key + " has the wrong type");
  }
}

// A file's contents; ConfigError "<where>: cannot read <path>".
std::string read_file(const std::string& path, const std::string& where);

// A secret given as `<key>` (in the file), `<key>_env` (the name of an
// environment variable) or `<key>_file` (a file; surrounding white space,
// such as the newline `echo` leaves, is dropped): nullopt when none is set.
// ConfigError for two of them, an unset or empty variable, an unreadable or
// empty file. With `inline_ok` false the plain `<key>` is not read at all.
std::optional<std::string> secret(const Json& j, const std::string& key, const std::string& where,
                                  bool inline_ok = true);

// config.nats (nats_config.cpp).
NatsConfig parse_nats(const Json& j);

// apps[].tls (`admin` false) and admin.tls (true: client_ca_file allowed) (tls_config.cpp).
tls::TlsOptions parse_listener_tls(const Json& t, const std::string& where, bool admin);

}  // namespace gangway::config_parse
