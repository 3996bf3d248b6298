#pragma once
// Mints JWTs for tests, independently of the gateway's verifier, in two ways:
//  * with libjwt 1.10 (jwt_encode_str), a third-party encoder, to prove interop;
//  * with OpenSSL directly, for tokens libjwt will not write (alg none, crafted
//    headers, non-object payloads, DER ECDSA signatures, ...).
// Keys are generated at runtime; nothing secret is checked in. Independent of
// the gateway, shared by the auth unit tests and the integration tests.
// Failures throw std::runtime_error (tests only).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace gangway::test {

struct KeyPair {
  std::string private_pem;  // PKCS#8
  std::string public_pem;   // SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----")
};

KeyPair generate_rsa_keypair(unsigned bits = 2048);
KeyPair generate_ec_keypair(std::string_view curve = "P-256");

// Generated once per process (RSA generation is slow) and shared by all tests.
struct TestKeys {
  KeyPair rsa, rsa2, ec, ec2;
  std::string secret = "0123456789abcdef0123456789abcdef-test-secret";
};
const TestKeys& test_keys();

std::string base64url_encode(std::string_view bytes);

// The public half of an RSA or P-256 key pair as a JSON Web Key (RFC 7517),
// as an identity provider's key set lists it: {"kty","kid","use":"sig","alg",
// "n","e"} or {"kty":"EC","crv":"P-256","x","y",…}. Read with OpenSSL, not
// the gateway's parser.
nlohmann::json public_jwk(const KeyPair& keys, std::string_view kid);

// The JWS signature bytes over `input`. alg: "HS256" (key = secret), "RS256" or
// "ES256" (key = private PEM; ES256 as raw R||S unless `es256_der`), or
// "none" (empty). Any other alg signs as HS256 with `key`, for confusion tests.
std::string sign(std::string_view alg, std::string_view key, std::string_view input,
                 bool es256_der = false);

// base64url(header).base64url(payload).base64url(sign(alg, key, ...)) with the
// texts used verbatim, so they need not be JSON objects or even JSON.
std::string make_token(std::string_view header_json, std::string_view payload_json,
                       std::string_view sign_alg, std::string_view key);

// Header {"alg": alg, "typ": "JWT"} (+ "kid"), signed with OpenSSL.
std::string mint_openssl(std::string_view alg, std::string_view key, const nlohmann::json& claims,
                         std::string_view kid = {});

// The same through libjwt's encoder. alg: HS256, RS256 or ES256.
std::string mint_libjwt(std::string_view alg, std::string_view key, const nlohmann::json& claims,
                        std::string_view kid = {});

// libjwt 1.10's own jwt_decode(token, key): true if libjwt accepts the token.
// Kept to show why the gateway pins algorithms instead of relying on it.
bool libjwt_decode_accepts(const std::string& token, std::string_view key);

}  // namespace gangway::test
