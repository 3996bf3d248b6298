#pragma once
// HS256 JWTs for load clients (OpenSSL HMAC; no validation here).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/bench/options.hpp"

namespace gangway::bench {

std::string base64url(const std::string& bytes);
// header {"alg":"HS256","typ":"JWT"} . claims . HMAC-SHA256(secret)
std::string mint_hs256(const nlohmann::json& claims, const std::string& secret);
// Load client `index`'s token: sub, name "Load <index>", iat and exp (o.token_ttl_s
// from now), iss and aud when o sets them, then `extra`; signed with o.secret.
std::string mint_client_token(const Options& o, const std::string& sub, std::size_t index,
                              const nlohmann::json& extra = nlohmann::json::object());

}  // namespace gangway::bench
