#pragma once
// One configured verification key with its algorithm pinned (internal to auth/).
//
// Verification uses OpenSSL directly rather than libjwt 1.10's jwt_decode:
// jwt_decode lets the token's header choose the algorithm (the HS256/RSA-key
// confusion), re-parses the PEM on every call, and parses the unverified payload
// with a second JSON parser. Here the PEM is parsed once at startup into an
// EVP_PKEY, which OpenSSL 3 allows many threads to use at once for verification
// (each call has its own EVP_MD_CTX); an HS256 secret is keyed once into an
// HMAC context of which each thread keeps a copy.
#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/auth/jwt_verifier.hpp"

namespace gangway::auth::detail {

enum class JwsAlg { hs256, rs256, es256 };

// Exact, case-sensitive match of the three supported names; nullopt otherwise
// (including "none", "None", "HS512", "PS256", ...).
std::optional<JwsAlg> parse_alg(std::string_view name);

class JwsKey {
 public:
  // Throws std::invalid_argument for an unusable key. `label` names the key in
  // the message (e.g. "key #2 (kid 'a')"); the message never contains a secret.
  JwsKey(const JwtKey& config, const std::string& label);

  JwsAlg alg() const { return alg_; }
  const std::string& kid() const { return kid_; }

  // True only if `signature` (the decoded third JWS part) is this key's valid
  // signature over `signing_input` ("header.payload" as sent). Thread-safe, no
  // exceptions, leaves nothing on OpenSSL's per-thread error queue.
  bool verify(std::string_view signing_input, std::string_view signature) const;

 private:
  struct PkeyFree {
    void operator()(EVP_PKEY* p) const;
  };
  struct MacCtxFree {
    void operator()(EVP_MAC_CTX* c) const;
  };

  bool verify_hmac(std::string_view input, std::string_view sig) const;
  bool verify_digest(std::string_view input, std::string_view sig) const;

  JwsAlg alg_;
  std::string kid_;
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> hmac_;  // HS256 only: keyed with the secret
  std::uint64_t serial_ = 0;                        // HS256 only: names this key in per-thread copies
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey_;    // RS256 / ES256 only
};

}  // namespace gangway::auth::detail
