#include "tests/support/nkeys.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "tests/support/token_factory.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;

// nats-io/nkeys prefix bytes: the first base32 character of the encoding.
constexpr std::uint8_t kPrefixSeed = 18 << 3;  // 'S'
std::uint8_t prefix_of(NKey::Kind k) {
  switch (k) {
    case NKey::Kind::operator_: return 14 << 3;  // 'O'
    case NKey::Kind::account: return 0;          // 'A'
    case NKey::Kind::user: return 20 << 3;       // 'U'
  }
  return 0;
}

std::string base32(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(acc >> bits) & 0x1F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (5 - bits)) & 0x1F]);
  return out;
}

// CRC-16/XMODEM (polynomial 0x1021, initial 0), as nkeys checks it.
std::uint16_t crc16(const std::string& bytes) {
  std::uint16_t crc = 0;
  for (unsigned char c : bytes) {
    crc ^= static_cast<std::uint16_t>(c << 8);
    for (int i = 0; i < 8; ++i) crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : crc << 1;
  }
  return crc;
}

std::string with_crc(std::string raw) {
  std::uint16_t crc = crc16(raw);
  raw.push_back(static_cast<char>(crc & 0xFF));  // little endian
  raw.push_back(static_cast<char>(crc >> 8));
  return base32(raw);
}

using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Pkey key_from(const std::string& raw_private) {
  Pkey k(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                      reinterpret_cast<const unsigned char*>(raw_private.data()), raw_private.size()),
         EVP_PKEY_free);
  if (!k) throw std::runtime_error("nkeys: bad Ed25519 key");
  return k;
}

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// nats-io/jwt v2: {"typ":"JWT","alg":"ed25519-nkey"}, claims with a jti
// (a hash of the claims; nats-server does not recompute it), signed by `issuer`.
std::string encode_jwt(json claims, const NKey& issuer) {
  claims["iat"] = now_s();
  claims["iss"] = issuer.public_key;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  auto body = claims.dump();
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  claims["jti"] = base32(std::string(reinterpret_cast<char*>(digest), sizeof digest));
  std::string input = base64url_encode(R"({"typ":"JWT","alg":"ed25519-nkey"})") + "." + base64url_encode(claims.dump());
  return input + "." + base64url_encode(issuer.sign(input));
}

std::string make_user_jwt(const NKey& user, const NKey& account, const std::string& name) {
  return encode_jwt({{"name", name},
                     {"sub", user.public_key},
                     {"nats", {{"pub", json::object()}, {"sub", json::object()}, {"subs", -1}, {"data", -1},
                               {"payload", -1}, {"type", "user"}, {"version", 2}}}},
                    account);
}

std::string creds_file(const std::string& jwt, const std::string& seed) {
  return "-----BEGIN NATS USER JWT-----\n" + jwt +
         "\n------END NATS USER JWT------\n\n"
         "************************* IMPORTANT *************************\n"
         "NKEY Seed printed below can be used to sign and prove identity.\n"
         "NKEYs are sensitive and should be treated as secrets.\n\n"
         "-----BEGIN USER NKEY SEED-----\n" +
         seed + "\n------END USER NKEY SEED------\n\n*************************************************************\n";
}

}  // namespace

NKey NKey::generate(Kind kind) {
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr),
                                                                  EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1)
    throw std::runtime_error("nkeys: Ed25519 key generation failed");
  Pkey key(raw, EVP_PKEY_free);
  std::string priv(32, '\0'), pub(32, '\0');
  std::size_t priv_len = priv.size(), pub_len = pub.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), reinterpret_cast<unsigned char*>(priv.data()), &priv_len) != 1 ||
      EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(pub.data()), &pub_len) != 1)
    throw std::runtime_error("nkeys: cannot read the Ed25519 key");
  std::uint8_t prefix = prefix_of(kind);
  NKey k;
  k.raw_private = priv;
  k.public_key = with_crc(std::string(1, static_cast<char>(prefix)) + pub);
  std::string seed_head{static_cast<char>(kPrefixSeed | (prefix >> 5)), static_cast<char>((prefix & 31) << 3)};
  k.seed = with_crc(seed_head + priv);
  return k;
}

std::string NKey::sign(const std::string& input) const {
  auto key = key_from(raw_private);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::string sig(64, '\0');
  std::size_t len = sig.size();
  if (!md || EVP_DigestSignInit(md.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw std::runtime_error("nkeys: Ed25519 signing failed");
  sig.resize(len);
  return sig;
}

NatsOperator NatsOperator::create(const std::string& user_name) {
  NatsOperator o;
  o.op = NKey::generate(NKey::Kind::operator_);
  o.account = NKey::generate(NKey::Kind::account);
  o.user = NKey::generate(NKey::Kind::user);
  o.operator_jwt = encode_jwt(
      {{"name", "test-operator"}, {"sub", o.op.public_key}, {"nats", {{"type", "operator"}, {"version", 2}}}}, o.op);
  // Limits default to 0 ("none allowed") when absent: -1 is unlimited.
  json limits = {{"subs", -1},    {"data", -1},      {"payload", -1}, {"imports", -1},
                 {"exports", -1}, {"wildcards", true}, {"conn", -1},    {"leaf", -1}};
  o.account_jwt = encode_jwt({{"name", "gangway-test"},
                              {"sub", o.account.public_key},
                              {"nats", {{"limits", limits},
                                        {"default_permissions", {{"pub", json::object()}, {"sub", json::object()}}},
                                        {"type", "account"},
                                        {"version", 2}}}},
                             o.op);
  o.user_jwt = make_user_jwt(o.user, o.account, user_name);
  return o;
}

std::string NatsOperator::server_config() const {
  return "operator: \"" + operator_jwt + "\"\nresolver: MEMORY\nresolver_preload: {\n  " + account.public_key +
         ": \"" + account_jwt + "\"\n}\n";
}

std::string NatsOperator::creds() const { return creds_file(user_jwt, user.seed); }

std::string NatsOperator::foreign_creds() const {
  NKey stranger = NKey::generate(NKey::Kind::account);
  return creds_file(make_user_jwt(user, stranger, "stranger"), user.seed);
}

}  // namespace gangway::test
