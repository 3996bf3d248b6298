#include "deploy/demo_backend/tokens.hpp"

#include <jwt.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace demo {

namespace {

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

std::string grant(jwt_t* j, const char* name) {
  const char* v = jwt_get_grant(j, name);
  return v ? v : "";
}

}  // namespace

Tokens::Tokens(TokenPolicy policy) : policy_(std::move(policy)) {}

std::string Tokens::mint(const User& user, std::int64_t now) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  JwtPtr j(raw);
  const auto* key = reinterpret_cast<const unsigned char*>(policy_.secret.data());
  int rc = jwt_add_grant(j.get(), "sub", user.id.c_str());
  rc |= jwt_add_grant(j.get(), "username", user.username.c_str());
  rc |= jwt_add_grant(j.get(), "name", user.full_name.c_str());
  rc |= jwt_add_grant(j.get(), "iss", policy_.issuer.c_str());
  rc |= jwt_add_grant(j.get(), "aud", policy_.audience.c_str());
  rc |= jwt_add_grant_int(j.get(), "iat", static_cast<long>(now));
  rc |= jwt_add_grant_int(j.get(), "exp", static_cast<long>(now + policy_.lifetime.count()));
  rc |= jwt_set_alg(j.get(), JWT_ALG_HS256, key, static_cast<int>(policy_.secret.size()));
  if (rc != 0) throw std::runtime_error("building the JWT failed");
  char* encoded = jwt_encode_str(j.get());
  if (!encoded) throw std::runtime_error("jwt_encode_str failed");
  std::string token(encoded);
  std::free(encoded);  // libjwt 1.10 has no jwt_free_str
  return token;
}

std::optional<std::string> Tokens::verify(std::string_view token, std::int64_t now) const {
  if (token.empty() || token.size() > 8192) return std::nullopt;
  std::string t(token);  // jwt_decode wants a NUL-terminated string
  jwt_t* raw = nullptr;
  const auto* key = reinterpret_cast<const unsigned char*>(policy_.secret.data());
  if (jwt_decode(&raw, t.c_str(), key, static_cast<int>(policy_.secret.size())) != 0) return std::nullopt;
  JwtPtr j(raw);
  // Pin the algorithm: with a key given libjwt still decodes other algs.
  if (jwt_get_alg(j.get()) != JWT_ALG_HS256) return std::nullopt;
  long exp = jwt_get_grant_int(j.get(), "exp");
  if (exp <= 0 || exp <= now) return std::nullopt;
  if (grant(j.get(), "iss") != policy_.issuer || grant(j.get(), "aud") != policy_.audience)
    return std::nullopt;
  std::string sub = grant(j.get(), "sub");
  if (sub.empty()) return std::nullopt;
  return sub;
}

}  // namespace demo
