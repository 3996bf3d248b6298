// config.apps[].passthrough: the app's HTTP pass-through (gateway/proxy/options.hpp).
#include <string>

#include "gateway/config/config_parse.hpp"

namespace gangway::config_parse {

namespace {

std::int64_t integer_in(const Json& j, const char* key, std::int64_t fallback, std::int64_t low, std::int64_t high,
                        const std::string& where) {
  auto v = get_or<std::int64_t>(j, key, fallback, where);
  if (v < low || v > high)
    throw ConfigError(where + "." + key + " must be " + std::to_string(low) + " to " + std::to_string(high));
  return v;
}

std::chrono::milliseconds ms_in(const Json& j, const char* key, std::chrono::milliseconds fallback,
                                const std::string& where) {
  return std::chrono::milliseconds(integer_in(j, key, fallback.count(), 1, 3'600'000, where));
}

}  // namespace

proxy::Options parse_passthrough(const Json& j, const std::string& backend_url, const std::string& app_where) {
  const auto where = app_where + ".passthrough";
  proxy::Options o;
  if (j.is_boolean()) {
    o.enabled = j.get<bool>();
  } else if (j.is_object()) {
    o.enabled = get_or<bool>(j, "enabled", true, where);
    o.prefixes = get_or<std::vector<std::string>>(j, "prefixes", {}, where);
    for (const auto& p : o.prefixes)
      if (p.empty() || p.front() != '/') throw ConfigError(where + ".prefixes: '" + p + "' must start with '/'");
    o.connect_timeout = ms_in(j, "connect_timeout_ms", o.connect_timeout, where);
    o.read_timeout = ms_in(j, "read_timeout_ms", o.read_timeout, where);
    o.client_timeout = ms_in(j, "client_timeout_ms", o.client_timeout, where);
    o.idle_timeout = ms_in(j, "idle_timeout_ms", o.idle_timeout, where);
    o.max_header_bytes = static_cast<std::size_t>(
        integer_in(j, "max_header_bytes", static_cast<std::int64_t>(o.max_header_bytes), 1024, 1 << 20, where));
    o.max_body_bytes = static_cast<std::uint64_t>(integer_in(
        j, "max_body_bytes", static_cast<std::int64_t>(o.max_body_bytes), 0, std::int64_t{1} << 50, where));
    o.pool_size = static_cast<std::size_t>(
        integer_in(j, "pool_size", static_cast<std::int64_t>(o.pool_size), 0, 10'000, where));
    o.pool_idle = ms_in(j, "pool_idle_ms", o.pool_idle, where);
    o.trust_forwarded = get_or<bool>(j, "trust_forwarded", o.trust_forwarded, where);
    o.preserve_host = get_or<bool>(j, "preserve_host", o.preserve_host, where);
  } else {
    throw ConfigError(where + " must be true, false or an object");
  }
  if (!o.enabled) return o;
  if (backend_url.empty()) throw ConfigError(where + " needs backend.url");
  // The pass-through's client is Beast over plain TCP; https would need a TLS stream of its own.
  if (backend_url.rfind("http://", 0) != 0)
    throw ConfigError(where + " needs an http:// backend.url (https is not supported for pass-through)");
  return o;
}

}  // namespace gangway::config_parse
