#pragma once
// Verifies JWTs (HS256, RS256, ES256) against configured keys.
//
// The algorithm is pinned per key: a token whose header `alg` differs from the
// key's is refused before any signature check, so `alg: none` and algorithm
// confusion (an HS256 token "signed" with an RSA public key as the HMAC secret,
// which libjwt 1.10's jwt_decode accepts) never verify. Thread-safe: one
// instance is shared by every loop; verify() does no I/O.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/model.hpp"
#include "gateway/core/result.hpp"

namespace gangway::auth {

struct JwtKey {
  std::string alg;       // "HS256", "RS256" or "ES256"
  std::string kid;       // optional; if set, only tokens with this `kid` use the key
  std::string material;  // HS256: the shared secret; RS256/ES256: a PEM public key
};

struct JwtPolicy {
  std::vector<JwtKey> keys;
  std::string issuer;                  // required `iss` if non-empty
  std::vector<std::string> audiences;  // `aud` must contain one of these if non-empty
  std::int64_t leeway_s = 30;          // clock skew allowed on exp/nbf
  bool require_exp = true;
  std::string jwks_url;                // a JSON Web Key Set fetched and refreshed (jwks_refresher.hpp)
  std::int64_t jwks_refresh_s = 300;   // how often it is refetched
  std::string jwks_ca_file;            // https: CAs (PEM) trusted for the key set's server; empty: the system's
  std::string user_claim = "sub";      // claim holding the user id (string or integer)
  std::vector<std::string> name_claims = {"name", "full_name", "username"};  // first present wins
  std::string username_claim = "username";  // the login handle; absent: the display name
};

// A token that verified: who it names, and its whole payload for the caller
// to read what else it needs (an admin flag) before dropping it.
struct VerifiedToken {
  Principal user;
  Json claims;
};

enum class JwtError {
  missing,        // no token at all
  malformed,      // not three base64url parts of JSON
  alg_refused,    // none, unknown, or not the key's algorithm
  no_key,         // no key for this alg/kid
  bad_signature,
  expired,
  not_yet_valid,
  bad_issuer,
  bad_audience,
  no_subject,     // the user claim is absent or not a string/integer
};
std::string_view to_string(JwtError e);

class JwtVerifier {
 public:
  // Throws std::invalid_argument at startup for an unusable key (bad PEM, unknown alg).
  explicit JwtVerifier(JwtPolicy policy);
  ~JwtVerifier();
  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // Replaces the keys taken from a JSON Web Key Set (jwk.hpp); the configured
  // keys stay. Thread-safe while verify() runs on other threads: a
  // verification in progress finishes with the set it started with. Throws
  // std::invalid_argument for an unusable key, and then changes nothing.
  void set_remote_keys(const std::vector<JwtKey>& keys);
  std::size_t remote_keys() const;

  // Runs on the verifying thread when a token names a `kid` that no key has,
  // so the key set's owner can refetch a rotated set. Must return at once.
  // Set before the first verify().
  void on_unknown_kid(std::function<void()> fn);

  // `now` is Unix seconds. On success the user's id is the user claim as a
  // string, name the first name claim present, username the username claim
  // (else the name), expires_at the second from which this check would refuse
  // the token (`exp` + leeway, rounded up; 0 without `exp`); claims the whole payload.
  Result<VerifiedToken, JwtError> verify(std::string_view token, std::int64_t now) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gangway::auth
