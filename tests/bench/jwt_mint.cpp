#include "tests/bench/jwt_mint.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>

namespace gangway::bench {

std::string base64url(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0u);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::string mint_hs256(const nlohmann::json& claims, const std::string& secret) {
  std::string signing_input = base64url(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url(claims.dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &mac_len);
  return signing_input + "." + base64url(std::string(reinterpret_cast<const char*>(mac), mac_len));
}

std::string mint_client_token(const Options& o, const std::string& sub, std::size_t index,
                              const nlohmann::json& extra) {
  auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  nlohmann::json claims{{"sub", sub},
                        {"name", "Load " + std::to_string(index)},
                        {"iat", now.count()},
                        {"exp", now.count() + o.token_ttl_s}};
  if (!o.issuer.empty()) claims["iss"] = o.issuer;
  if (!o.audience.empty()) claims["aud"] = o.audience;
  claims.update(extra);
  return mint_hs256(claims, o.secret);
}

}  // namespace gangway::bench
