#pragma once
// HS256 JWTs for load clients (OpenSSL HMAC; no validation here).
#include <nlohmann/json.hpp>
#include <string>

namespace gangway::bench {

std::string base64url(const std::string& bytes);
// header {"alg":"HS256","typ":"JWT"} . claims . HMAC-SHA256(secret)
std::string mint_hs256(const nlohmann::json& claims, const std::string& secret);

}  // namespace gangway::bench
