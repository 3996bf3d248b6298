#pragma once
// Policies and claims shared by the JwtVerifier tests.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/auth/jwt_verifier.hpp"
#include "tests/support/token_factory.hpp"

namespace gangway::test {

inline constexpr std::int64_t kNow = 1'700'000'000;

inline nlohmann::json base_claims() {
  return {{"sub", "u-1"}, {"name", "Ann"}, {"exp", kNow + 3600}, {"iat", kNow}};
}

inline auth::JwtKey hs_key(std::string kid = {}) { return {"HS256", std::move(kid), test_keys().secret}; }
inline auth::JwtKey rs_key(std::string kid = {}) { return {"RS256", std::move(kid), test_keys().rsa.public_pem}; }
inline auth::JwtKey es_key(std::string kid = {}) { return {"ES256", std::move(kid), test_keys().ec.public_pem}; }

inline auth::JwtPolicy policy_with(std::vector<auth::JwtKey> keys) {
  auth::JwtPolicy p;
  p.keys = std::move(keys);
  return p;
}

// The signing key test_keys() holds for an alg: the secret or the private PEM.
inline const std::string& signing_key(std::string_view alg) {
  const TestKeys& k = test_keys();
  if (alg == "RS256") return k.rsa.private_pem;
  if (alg == "ES256") return k.ec.private_pem;
  return k.secret;
}

// Expects a failure with exactly `want`, printing names rather than numbers.
inline void expect_error(const Result<auth::VerifiedToken, auth::JwtError>& r, auth::JwtError want) {
  ASSERT_FALSE(r.ok()) << "expected " << auth::to_string(want) << ", got success";
  EXPECT_EQ(auth::to_string(r.error()), auth::to_string(want));
}

}  // namespace gangway::test
