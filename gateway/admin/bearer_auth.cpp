#include "gateway/admin/bearer_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace gangway {

namespace {

using Digest = std::array<unsigned char, 32>;

// The secret and what a request sends are compared as digests of one size.
Digest sha256(std::string_view s) {
  Digest d{};
  unsigned int n = 0;
  if (EVP_Digest(s.data(), s.size(), d.data(), &n, EVP_sha256(), nullptr) != 1 || n != d.size())
    throw std::runtime_error("SHA-256 failed");
  return d;
}

}  // namespace

AdminAuthenticator bearer_authenticator(std::string secret) {
  if (secret.empty()) throw std::invalid_argument("admin: an empty bearer secret");
  return [digest = sha256(secret)](const AdminRequest& req) {
    constexpr std::string_view scheme = "bearer ";
    std::string_view h = req.header("Authorization");
    if (h.size() <= scheme.size() ||
        !std::equal(scheme.begin(), scheme.end(), h.begin(),
                    [](char x, char y) { return x == std::tolower(static_cast<unsigned char>(y)); }))
      return false;
    Digest got = sha256(h.substr(scheme.size()));
    return CRYPTO_memcmp(got.data(), digest.data(), digest.size()) == 0;
  };
}

}  // namespace gangway
