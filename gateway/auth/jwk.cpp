#include "gateway/auth/jwk.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "gateway/auth/base64url.hpp"
#include "gateway/auth/jws_key.hpp"
#include "gateway/core/json_parse.hpp"

namespace gangway::auth {
namespace {

using Json = nlohmann::json;

struct Free {
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
template <class T>
using Owned = std::unique_ptr<T, Free>;

constexpr std::size_t kMinRsaModulusBytes = 256;  // 2048 bits: shorter RSA keys are refused

// The string member `name`; `fallback` when absent; nullopt when not a string.
std::optional<std::string> text(const Json& j, const char* name, const std::string& fallback = "") {
  auto it = j.find(name);
  if (it == j.end()) return fallback;
  if (!it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::string> member_bytes(const Json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return std::nullopt;
  return base64url_decode(it->get_ref<const std::string&>());
}

std::string strip_leading_zeros(std::string bytes) {
  std::size_t i = bytes.find_first_not_of('\0');
  return i == std::string::npos ? std::string() : bytes.substr(i);
}

// The public key described by `params`, as "-----BEGIN PUBLIC KEY-----" PEM.
std::optional<std::string> to_pem(const char* type, OSSL_PARAM_BLD* bld) {
  Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld));
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    ERR_clear_error();
    return std::nullopt;
  }
  Owned<EVP_PKEY> pkey(raw);
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Result<std::string, std::string> rsa_pem(const Json& jwk) {
  auto n = member_bytes(jwk, "n"), e = member_bytes(jwk, "e");
  if (!n || !e) return Failure{std::string("RSA key without base64url n and e")};
  std::string modulus = strip_leading_zeros(*n);
  if (modulus.size() < kMinRsaModulusBytes) return Failure{std::string("RSA key shorter than 2048 bits")};
  auto to_bn = [](const std::string& b) {
    return Owned<BIGNUM>(BN_bin2bn(reinterpret_cast<const unsigned char*>(b.data()), static_cast<int>(b.size()),
                                   nullptr));
  };
  Owned<BIGNUM> bn_n = to_bn(modulus), bn_e = to_bn(*e);
  Owned<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
    return Failure{std::string("RSA key OpenSSL refused")};
  if (auto pem = to_pem("RSA", bld.get())) return *pem;
  return Failure{std::string("RSA key OpenSSL refused")};
}

Result<std::string, std::string> ec_pem(const Json& jwk) {
  if (text(jwk, "crv") != "P-256") return Failure{std::string("EC key on a curve other than P-256")};
  auto x = member_bytes(jwk, "x"), y = member_bytes(jwk, "y");
  if (!x || !y || x->size() != 32 || y->size() != 32)
    return Failure{std::string("EC key without 32-byte base64url x and y")};
  std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
  Owned<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()))
    return Failure{std::string("EC key OpenSSL refused")};
  // fromdata checks that the point is on the curve.
  if (auto pem = to_pem("EC", bld.get())) return *pem;
  return Failure{std::string("EC key is not a point on P-256")};
}

// The pinned key for one JWK, or why it is skipped.
Result<JwtKey, std::string> key_from(const Json& jwk) {
  if (!jwk.is_object()) return Failure{std::string("not an object")};
  if (text(jwk, "use", "sig") != "sig") return Failure{std::string("not a signature key (use)")};
  auto kty = text(jwk, "kty");
  if (!kty) return Failure{std::string("kty is not a string")};
  auto alg = text(jwk, "alg", *kty == "RSA" ? "RS256" : *kty == "EC" ? "ES256" : "");
  auto kid = text(jwk, "kid");
  if (!alg || !kid) return Failure{std::string("alg or kid is not a string")};
  JwtKey key;
  key.kid = *kid;
  Result<std::string, std::string> pem = Failure{std::string()};
  if (*kty == "RSA" && *alg == "RS256") {
    pem = rsa_pem(jwk);
  } else if (*kty == "EC" && *alg == "ES256") {
    pem = ec_pem(jwk);
  } else {
    return Failure{"kty '" + *kty + "' with alg '" + *alg + "' is not supported"};
  }
  if (!pem) return Failure{pem.error()};
  key.alg = *alg;
  key.material = std::move(*pem);
  // A key can pass the checks above and still be one the verifier refuses (a
  // 256-byte modulus of 2047 bits): pinned here as the verifier will pin it,
  // it is skipped, instead of making set_remote_keys() refuse the whole set.
  try {
    detail::JwsKey pinned(key, "key");
  } catch (const std::invalid_argument& e) {
    return Failure{"the verifier cannot use it (" + std::string(e.what()) + ")"};
  }
  return key;
}

}  // namespace

Result<JwkSet, std::string> parse_jwks(std::string_view body) {
  Json j = parse_json(body);
  if (j.is_discarded() || !j.is_object()) return Failure{std::string("the key set is not a JSON object")};
  auto keys = j.find("keys");
  if (keys == j.end() || !keys->is_array()) return Failure{std::string("the key set has no \"keys\" array")};
  JwkSet set;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    auto key = key_from((*keys)[i]);
    if (key) {
      set.keys.push_back(std::move(*key));
    } else {
      std::string kid = (*keys)[i].is_object() ? text((*keys)[i], "kid").value_or("") : "";
      set.skipped.push_back("key #" + std::to_string(i) + (kid.empty() ? "" : " (kid '" + kid + "')") + ": " +
                            key.error());
    }
  }
  if (set.keys.empty()) return Failure{std::string("the key set holds no usable RS256 or ES256 key")};
  return set;
}

}  // namespace gangway::auth
