// The operational keys: config.drain and the admin API's bearer secret.
#include <string>

#include "gateway/config/config_parse.hpp"

namespace gangway {

namespace {
constexpr std::size_t kMinBearerBytes = 16;
}  // namespace

std::string drain_problem(const DrainOptions& d) {
  auto n = [](std::chrono::seconds s) { return std::to_string(s.count()); };
  if (d.grace.count() < 2 || d.grace.count() > 3600) return "drain.grace_s must be 2 to 3600 (it is " + n(d.grace) + ")";
  if (d.refuse_after.count() < 0) return "drain.refuse_after_s must not be negative";
  // The last 1.5 s of the flush are the deadline's: abandoned stores, then the exit.
  if (d.flush.count() < 2) return "drain.flush_s must be at least 2";
  if (d.refuse_after + d.flush > d.grace)
    return "drain.refuse_after_s + drain.flush_s (" + n(d.refuse_after + d.flush) + ") must not exceed drain.grace_s (" +
           n(d.grace) + ")";
  return {};
}

namespace config_parse {

DrainOptions parse_drain(const Json& j) {
  const std::string where = "config.drain";
  if (!j.is_object()) throw ConfigError(where + " must be an object");
  DrainOptions d;
  d.grace = std::chrono::seconds(get_or<std::int64_t>(j, "grace_s", d.grace.count(), where));
  d.refuse_after = std::chrono::seconds(get_or<std::int64_t>(j, "refuse_after_s", d.refuse_after.count(), where));
  d.flush = std::chrono::seconds(get_or<std::int64_t>(j, "flush_s", d.flush.count(), where));
  if (auto problem = drain_problem(d); !problem.empty()) throw ConfigError("config." + problem);
  return d;
}

std::string parse_admin_bearer(const Json& admin) {
  const std::string where = "config.admin";
  // A config file is seldom kept as a secret (a ConfigMap, a repository): the
  // secret comes from the environment or a mounted file only.
  if (admin.contains("bearer_token"))
    throw ConfigError(where + ".bearer_token: give the secret as bearer_token_env or bearer_token_file");
  auto token = secret(admin, "bearer_token", where, /*inline_ok=*/false);
  if (!token) return {};
  if (token->size() < kMinBearerBytes)
    throw ConfigError(where + ": the bearer secret must be at least " + std::to_string(kMinBearerBytes) +
                      " bytes (e.g. openssl rand -hex 32)");
  return *token;
}

}  // namespace config_parse

}  // namespace gangway
