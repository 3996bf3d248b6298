#pragma once
// HS256 access tokens for the demo users, minted and checked with libjwt.
// Thread-safe: no state changes after construction.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "deploy/demo_backend/users.hpp"

namespace demo {

struct TokenPolicy {
  std::string secret;
  std::string issuer = "gangway-demo";
  std::string audience = "gangway";
  std::chrono::seconds lifetime{3600};
};

class Tokens {
 public:
  explicit Tokens(TokenPolicy policy);

  // Claims: sub (user id), username, name (full name), iss, aud, iat, exp.
  // Throws std::runtime_error if libjwt fails (out of memory).
  std::string mint(const User& user, std::int64_t now) const;

  // The token's `sub` if it is an HS256 token signed with our secret, not
  // expired at `now`, and carries our iss and aud; nullopt otherwise.
  std::optional<std::string> verify(std::string_view token, std::int64_t now) const;

 private:
  TokenPolicy policy_;
};

}  // namespace demo
