#pragma once
// Public keys from a JSON Web Key Set (RFC 7517), as identity providers publish
// them at a `jwks_uri`. Only signature keys the verifier can pin are taken:
//   kty "RSA" (n, e)            -> RS256
//   kty "EC", crv "P-256" (x, y) -> ES256
// Symmetric ("oct") keys are never taken from a key set: a secret fetched over
// the network is a secret published. Keys for encryption (`use: "enc"`), with
// another `alg`, or malformed, are skipped; the set is refused only when
// nothing usable is left, so one exotic key cannot lock every user out.
#include <string>
#include <string_view>
#include <vector>

#include "gateway/auth/jwt_verifier.hpp"
#include "gateway/core/result.hpp"

namespace gangway::auth {

struct JwkSet {
  std::vector<JwtKey> keys;          // material is a PEM public key
  std::vector<std::string> skipped;  // why each skipped key was skipped (for logs)
};

// Failure: the body is not a key set, or it holds no usable key.
Result<JwkSet, std::string> parse_jwks(std::string_view body);

}  // namespace gangway::auth
