// libFuzzer target fuzz_jwks: a JSON Web Key Set as the identity provider's
// jwks_url serves it (gateway/app/jwks_refresher): parse_jwks(), then the keys
// it took installed in a verifier (set_remote_keys) and each tried once on a
// token naming it, with a forged signature: what any client can make the
// gateway do with a key the set put there.
// Invariant: every key parse_jwks() returns is usable by the verifier.
// Corpus: key sets in the shapes identity providers publish (RSA and P-256).
#include <stdexcept>

#include "gateway/auth/jwk.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace gangway;

namespace {

// A token naming `key`, its signature forged (the right length, every byte 'Z').
std::string token_for(const auth::JwtKey& key) {
  const Json header = {{"alg", key.alg}, {"kid", key.kid}};
  const std::string payload = R"({"sub":"u","exp":1800000000})";
  const std::string signature(key.alg == "RS256" ? 256 : 64, 'Z');
  return fuzz::base64url(header.dump(-1, ' ', false, Json::error_handler_t::replace)) + "." +
         fuzz::base64url(payload) + "." + fuzz::base64url(signature);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto set = auth::parse_jwks(fuzz::as_text(data, size));
  if (!set) return 0;
  fuzz::check(!set->keys.empty(), "an accepted key set has a key");
  static auth::JwtVerifier verifier(auth::JwtPolicy{});
  try {
    verifier.set_remote_keys(set->keys);
  } catch (const std::invalid_argument&) {
    fuzz::check(false, "every key parse_jwks() returns is usable");
  }
  for (std::size_t i = 0; i < set->keys.size() && i < 4; ++i)
    fuzz::check(!verifier.verify(token_for(set->keys[i]), 1'700'000'000),
                "a forged signature never verifies");
  return 0;
}
