// libFuzzer target fuzz_jwt: JwtVerifier::verify(), the first thing an
// unauthenticated client's bytes reach, with HS256, RS256 and ES256 keys
// pinned in two policies. Each input is verified twice over:
//  * as sent: a token (three base64url parts), the bytes a client controls;
//  * as "header JSON\npayload JSON", encoded and signed here with the HS256
//    secret, the ES256 key, and the RS256 public PEM used as an HMAC secret
//    (the algorithm-confusion attack), so that mutations reach the header
//    and claims checks that only a correctly signed token gets to.
// Invariant: a token verifies only when signed with a key pinned to the alg
// its header names; the confusion token never verifies. RS256 is not signed
// here (an RSA signature per input would halve the speed); its refusals of
// forged signatures are covered by the tokens as sent.
// Keys are made at start (nothing secret is committed); a crash reproduces
// with any keys, since a signed input is signed again.
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

#include "gateway/auth/jwt_verifier.hpp"
#include "gateway/core/json_parse.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace gangway;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::string_view kSecret = "fuzz-secret-0123456789abcdef0123456789";

std::string public_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, n > 0 ? static_cast<std::size_t>(n) : 0);
  BIO_free(bio);
  return pem;
}

std::string hmac(std::string_view key, std::string_view input) {
  unsigned char mac[32];
  std::size_t len = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, sizeof mac, &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

// ES256 as JWS writes it: R || S, 32 bytes each (OpenSSL signs in DER).
std::string es256(EVP_PKEY* key, std::string_view input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char der[80];
  std::size_t len = sizeof der;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx, der, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(ctx);
  const unsigned char* p = der;
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  unsigned char raw[64];
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
  ECDSA_SIG_free(sig);
  return std::string(reinterpret_cast<char*>(raw), sizeof raw);
}

struct Keys {
  EVP_PKEY* rsa = EVP_RSA_gen(2048);
  EVP_PKEY* ec = EVP_EC_gen("P-256");
  std::string rsa_pem = public_pem(rsa);
  std::string ec_pem = public_pem(ec);
};

const Keys& keys() {
  static const Keys k;
  return k;
}

// Two policies: kids and issuer/audience checks; kid-less keys and the defaults' opposites.
const std::vector<std::unique_ptr<auth::JwtVerifier>>& verifiers() {
  static const auto all = [] {
    auth::JwtPolicy strict;
    strict.keys = {
        {"HS256", "hs", std::string(kSecret)}, {"RS256", "rs", keys().rsa_pem}, {"ES256", "", keys().ec_pem}};
    strict.issuer = "gangway-demo";
    strict.audiences = {"gangway"};
    auth::JwtPolicy lax;
    lax.keys = {
        {"HS256", "", std::string(kSecret)}, {"ES256", "es", keys().ec_pem}, {"RS256", "", keys().rsa_pem}};
    lax.require_exp = false;
    lax.leeway_s = -5;  // clamped to 0 by the verifier
    lax.user_claim = "uid";
    std::vector<std::unique_ptr<auth::JwtVerifier>> v;
    v.push_back(std::make_unique<auth::JwtVerifier>(strict));
    v.push_back(std::make_unique<auth::JwtVerifier>(lax));
    for (auto& verifier : v) verifier->on_unknown_kid([] {});
    return v;
  }();
  return all;
}

std::string header_alg(std::string_view header_json) {
  const Json h = parse_json(header_json);
  if (!h.is_object()) return {};
  auto alg = h.find("alg");
  return alg != h.end() && alg->is_string() ? alg->get<std::string>() : std::string();
}

void verify_signed(std::string_view header, std::string_view payload) {
  const std::string input = fuzz::base64url(header) + "." + fuzz::base64url(payload);
  const std::string alg = header_alg(header);
  const std::string hs = input + "." + fuzz::base64url(hmac(kSecret, input));
  const std::string es = input + "." + fuzz::base64url(es256(keys().ec, input));
  const std::string confused = input + "." + fuzz::base64url(hmac(keys().rsa_pem, input));
  for (const auto& v : verifiers()) {
    auto by_hs = v->verify(hs, kNow);
    fuzz::check(!by_hs || alg == "HS256", "an HMAC signature verifies only as HS256");
    fuzz::check(!by_hs || !by_hs->user.id.empty(), "a verified token names its user");
    auto by_es = v->verify(es, kNow);
    fuzz::check(!by_es || alg == "ES256", "an ECDSA signature verifies only as ES256");
    fuzz::check(!v->verify(confused, kNow), "the RSA public key never serves as an HMAC secret");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  for (const auto& v : verifiers()) v->verify(text, kNow);
  if (auto newline = text.find('\n'); newline != std::string_view::npos)
    verify_signed(text.substr(0, newline), text.substr(newline + 1));
  return 0;
}
