// apps[].tls and admin.tls: a listener's certificate, key and client CAs
// (docs/configuration.md, "TLS"). The files' contents are checked by
// Gateway::check (--check-config) and at startup, with OpenSSL.
#include <fstream>

#include "gateway/config/config_parse.hpp"

namespace gangway::config_parse {

tls::TlsOptions parse_listener_tls(const Json& t, const std::string& where, bool admin) {
  if (!t.is_object()) throw ConfigError(where + " must be an object with cert_file and key_file");
  // A misspelt key does not go unnoticed (client_ca_file missing would mean
  // an admin port open to any client): every key is read with get_or, so the
  // parse reports any other as unknown (config_keys.cpp).
  auto file = [&](const char* key, bool required) {
    auto path = get_or<std::string>(t, key, "", where);
    if (path.empty()) {
      if (required) throw ConfigError(where + "." + key + " is needed");
      return path;
    }
    if (!std::ifstream(path)) throw ConfigError(where + "." + key + ": cannot read " + path);
    return path;
  };
  tls::TlsOptions o;
  o.cert_file = file("cert_file", true);
  o.key_file = file("key_file", true);
  // Looked for without noting it: on an app port it is not a key of the
  // config, but its own mistake deserves a clearer error than "unknown".
  if (!admin && t.contains("client_ca_file"))
    throw ConfigError(where + ".client_ca_file: client certificates are asked for on the admin port only");
  if (admin) o.client_ca_file = file("client_ca_file", false);
  auto version = get_or<std::string>(t, "min_version", "1.2", where);
  if (version != "1.2" && version != "1.3") throw ConfigError(where + ".min_version must be \"1.2\" or \"1.3\"");
  o.tls13_only = version == "1.3";
  return o;
}

}  // namespace gangway::config_parse
