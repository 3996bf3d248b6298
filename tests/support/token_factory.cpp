#include "tests/support/token_factory.hpp"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace gangway::test {
namespace {

template <auto Fn>
struct Deleter {
  template <class T>
  void operator()(T* p) const { Fn(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;
using Jwt = std::unique_ptr<jwt_t, Deleter<jwt_free>>;

[[noreturn]] void fail(const std::string& what) {
  ERR_clear_error();
  throw std::runtime_error("token_factory: " + what);
}

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

KeyPair to_pems(EVP_PKEY* pkey) {
  Bio priv(BIO_new(BIO_s_mem())), pub(BIO_new(BIO_s_mem()));
  if (!priv || !pub || PEM_write_bio_PrivateKey(priv.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), pkey) != 1) {
    fail("PEM export");
  }
  return {bio_string(priv.get()), bio_string(pub.get())};
}

Pkey read_private(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!pkey) fail("not a private key PEM");
  return pkey;
}

std::string digest_sign(std::string_view private_pem, std::string_view input) {
  Pkey pkey = read_private(private_pem);
  MdCtx ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()) != 1) {
    fail("sign init");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()) != 1) {
    fail("sign");
  }
  sig.resize(len);
  return sig;
}

// OpenSSL writes DER; JWS wants R||S, each left-padded to 32 bytes.
std::string der_to_raw(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) fail("DER ECDSA signature");
  std::string raw(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + 32, 32) != 32) {
    fail("R||S encoding");
  }
  return raw;
}

std::string header_for(std::string_view alg, std::string_view kid) {
  nlohmann::json h = {{"alg", alg}, {"typ", "JWT"}};
  if (!kid.empty()) h["kid"] = kid;
  return h.dump();
}

}  // namespace

KeyPair generate_rsa_keypair(unsigned bits) {
  Pkey pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
  if (!pkey) fail("RSA keygen");
  return to_pems(pkey.get());
}

KeyPair generate_ec_keypair(std::string_view curve) {
  const std::string name(curve);
  Pkey pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", name.c_str()));
  if (!pkey) fail("EC keygen");
  return to_pems(pkey.get());
}

const TestKeys& test_keys() {
  static const TestKeys keys = [] {
    TestKeys k;
    k.rsa = generate_rsa_keypair();
    k.rsa2 = generate_rsa_keypair();
    k.ec = generate_ec_keypair();
    k.ec2 = generate_ec_keypair();
    return k;
  }();
  return keys;
}

std::string base64url_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : bytes) {
    acc = (acc << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3F]);
  return out;
}

nlohmann::json public_jwk(const KeyPair& keys, std::string_view kid) {
  Pkey pkey = read_private(keys.private_pem);
  nlohmann::json jwk = {{"kid", std::string(kid)}, {"use", "sig"}};
  if (EVP_PKEY_is_a(pkey.get(), "RSA")) {
    auto bn_bytes = [&](const char* name) {
      BIGNUM* bn = nullptr;
      if (EVP_PKEY_get_bn_param(pkey.get(), name, &bn) != 1) fail("RSA parameter");
      std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
      BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
      BN_free(bn);
      return base64url_encode(out);
    };
    jwk.update({{"kty", "RSA"}, {"alg", "RS256"}, {"n", bn_bytes(OSSL_PKEY_PARAM_RSA_N)},
                {"e", bn_bytes(OSSL_PKEY_PARAM_RSA_E)}});
    return jwk;
  }
  // P-256: the uncompressed point 04 || x || y.
  unsigned char point[65];
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(pkey.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point, &len) != 1 ||
      len != 65 || point[0] != 0x04)
    fail("EC public point");
  const auto* p = reinterpret_cast<const char*>(point);
  jwk.update({{"kty", "EC"}, {"crv", "P-256"}, {"alg", "ES256"}, {"x", base64url_encode({p + 1, 32})},
              {"y", base64url_encode({p + 33, 32})}});
  return jwk;
}

std::string sign(std::string_view alg, std::string_view key, std::string_view input, bool es256_der) {
  if (alg == "none") return {};
  if (alg == "RS256") return digest_sign(key, input);
  if (alg == "ES256") {
    std::string der = digest_sign(key, input);
    return es256_der ? der : der_to_raw(der);
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len)) {
    fail("HMAC");
  }
  return std::string(reinterpret_cast<const char*>(mac), len);
}

std::string make_token(std::string_view header_json, std::string_view payload_json, std::string_view sign_alg,
                       std::string_view key) {
  const std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  return input + "." + base64url_encode(sign(sign_alg, key, input));
}

std::string mint_openssl(std::string_view alg, std::string_view key, const nlohmann::json& claims,
                         std::string_view kid) {
  return make_token(header_for(alg, kid), claims.dump(), alg, key);
}

std::string mint_libjwt(std::string_view alg, std::string_view key, const nlohmann::json& claims,
                        std::string_view kid) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) fail("jwt_new");
  Jwt jwt(raw);
  const std::string alg_name(alg);
  const jwt_alg_t a = jwt_str_alg(alg_name.c_str());
  if (a == JWT_ALG_INVAL ||
      jwt_set_alg(jwt.get(), a, reinterpret_cast<const unsigned char*>(key.data()), static_cast<int>(key.size())) != 0 ||
      jwt_add_grants_json(jwt.get(), claims.dump().c_str()) != 0) {
    fail("libjwt setup");
  }
  if (!kid.empty() && jwt_add_header(jwt.get(), "kid", std::string(kid).c_str()) != 0) fail("libjwt kid");
  char* out = jwt_encode_str(jwt.get());
  if (out == nullptr) fail("jwt_encode_str");
  std::string token(out);
  std::free(out);  // libjwt 1.10 allocates with malloc and has no jwt_free_str
  return token;
}

bool libjwt_decode_accepts(const std::string& token, std::string_view key) {
  jwt_t* raw = nullptr;
  const int rc = jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                            static_cast<int>(key.size()));
  Jwt jwt(raw);
  return rc == 0 && jwt != nullptr;
}

}  // namespace gangway::test
