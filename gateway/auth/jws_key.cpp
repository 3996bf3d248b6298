#include "gateway/auth/jws_key.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <atomic>
#include <climits>
#include <stdexcept>
#include <utility>
#include <vector>

namespace gangway::auth::detail {
namespace {

// RFC 7518 §3.3 requires 2048 bits; smaller RSA keys are refused at startup.
constexpr int kMinRsaBits = 2048;
// ES256 signatures are R || S, each a 32-byte big-endian integer (RFC 7518 §3.4).
constexpr std::size_t kEs256Half = 32;
// HS256 keys whose keyed HMAC context one thread keeps a copy of.
constexpr std::size_t kMaxKeysPerThread = 64;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct MacFree {
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

[[noreturn]] void refuse(const std::string& label, const std::string& why) {
  ERR_clear_error();
  throw std::invalid_argument("jwt " + label + ": " + why);
}

bool is_p256(EVP_PKEY* pkey) {
  char name[64] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &len) != 1) return false;
  int nid = OBJ_sn2nid(name);
  if (nid == NID_undef) nid = EC_curve_nist2nid(name);
  return nid == NID_X9_62_prime256v1;
}

// JWS carries ECDSA signatures as raw R || S; OpenSSL verifies DER. Empty on failure.
std::string raw_ecdsa_to_der(std::string_view raw) {
  if (raw.size() != 2 * kEs256Half) return {};
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(p, kEs256Half, nullptr);
  BIGNUM* s = BN_bin2bn(p + kEs256Half, kEs256Half, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);  // set0 takes ownership only on success
    BN_free(s);
    return {};
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return {};
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

std::optional<JwsAlg> parse_alg(std::string_view name) {
  if (name == "HS256") return JwsAlg::hs256;
  if (name == "RS256") return JwsAlg::rs256;
  if (name == "ES256") return JwsAlg::es256;
  return std::nullopt;
}

void JwsKey::PkeyFree::operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
void JwsKey::MacCtxFree::operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }

JwsKey::JwsKey(const JwtKey& config, const std::string& label) : kid_(config.kid) {
  const auto alg = parse_alg(config.alg);
  if (!alg) refuse(label, "unsupported alg '" + config.alg + "' (expected HS256, RS256 or ES256)");
  alg_ = *alg;

  if (alg_ == JwsAlg::hs256) {
    if (config.material.empty()) refuse(label, "HS256 secret is empty");
    if (config.material.size() > INT_MAX) refuse(label, "HS256 secret is too long");
    // A PEM here is almost surely a misconfigured RS256/ES256 key, and HMAC with a
    // public key as the secret is exactly the forgery algorithm pinning prevents.
    if (config.material.find("-----BEGIN") != std::string::npos) {
      refuse(label, "HS256 secret looks like a PEM key; use alg RS256 or ES256 for public keys");
    }
    // Keyed once: checks then reuse the keyed state instead of fetching HMAC
    // by name and hashing the key again (a quarter of a check's cost).
    static std::atomic<std::uint64_t> next_serial{1};
    serial_ = next_serial.fetch_add(1, std::memory_order_relaxed);
    std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (mac) hmac_.reset(EVP_MAC_CTX_new(mac.get()));  // the context holds its own reference
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
    if (!hmac_ || EVP_MAC_init(hmac_.get(), reinterpret_cast<const unsigned char*>(config.material.data()),
                               config.material.size(), params) != 1) {
      refuse(label, "HMAC-SHA256 is not available");
    }
    return;
  }

  if (config.material.size() > INT_MAX) refuse(label, "PEM is too long");
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(config.material.data(), static_cast<int>(config.material.size())));
  if (!bio) refuse(label, "out of memory");
  pkey_.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey_) refuse(label, "not a PEM public key (expected -----BEGIN PUBLIC KEY-----)");

  if (alg_ == JwsAlg::rs256) {
    if (!EVP_PKEY_is_a(pkey_.get(), "RSA")) refuse(label, "RS256 needs an RSA public key");
    if (EVP_PKEY_get_bits(pkey_.get()) < kMinRsaBits) {
      refuse(label, "RSA key is shorter than 2048 bits");
    }
  } else {
    if (!EVP_PKEY_is_a(pkey_.get(), "EC") || !is_p256(pkey_.get())) {
      refuse(label, "ES256 needs an EC P-256 public key");
    }
  }
}

bool JwsKey::verify(std::string_view signing_input, std::string_view signature) const {
  const bool ok = alg_ == JwsAlg::hs256 ? verify_hmac(signing_input, signature)
                                        : verify_digest(signing_input, signature);
  // A failed check queues OpenSSL errors on this thread; the loop thread may
  // later read that queue for something unrelated, so leave it empty.
  if (!ok) ERR_clear_error();
  return ok;
}

bool JwsKey::verify_hmac(std::string_view input, std::string_view sig) const {
  // Each thread keeps a copy of the keyed context, found by the key's serial
  // (an address could be reused by a later key), and re-initialises it per
  // check: EVP_MAC_init without a key restarts with the same one. A copy per
  // check instead cost half of the check in allocations.
  thread_local std::vector<std::pair<std::uint64_t, std::unique_ptr<EVP_MAC_CTX, MacCtxFree>>> mine;
  EVP_MAC_CTX* ctx = nullptr;
  for (const auto& [serial, copy] : mine)
    if (serial == serial_) ctx = copy.get();
  if (ctx == nullptr) {
    if (mine.size() >= kMaxKeysPerThread) mine.clear();  // keys replaced many times over
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> copy(EVP_MAC_CTX_dup(hmac_.get()));
    if (!copy) return false;
    ctx = copy.get();
    mine.emplace_back(serial_, std::move(copy));
  } else if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1) {
    return false;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t mac_len = 0;
  if (EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1 ||
      EVP_MAC_final(ctx, mac, &mac_len, sizeof mac) != 1) {
    return false;
  }
  // The length is public (always 32); the bytes are compared in constant time.
  return sig.size() == mac_len && CRYPTO_memcmp(mac, sig.data(), mac_len) == 0;
}

bool JwsKey::verify_digest(std::string_view input, std::string_view sig) const {
  std::string der;
  if (alg_ == JwsAlg::es256) {
    der = raw_ecdsa_to_der(sig);  // a DER signature (72ish bytes) is refused here
    if (der.empty()) return false;
    sig = der;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  // RSA keys default to PKCS#1 v1.5 padding, which is what RS256 means.
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey_.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

}  // namespace gangway::auth::detail
