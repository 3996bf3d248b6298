// Hostile and broken tokens: each gets a clean error, never a crash or success.
#include <gtest/gtest.h>

#include <random>

#include "gateway/auth/base64url.hpp"
#include "gateway/auth/jwt_verifier.hpp"
#include "gateway/core/json_parse.hpp"
#include "tests/auth/jwt_test_util.hpp"
#include "tests/support/deep_json.hpp"

namespace gangway::test {
namespace {

using auth::JwtError;
using auth::JwtVerifier;

class JwtMalformedTest : public ::testing::Test {
 protected:
  JwtVerifier v_{policy_with({hs_key(), es_key()})};
  const std::string good_ = mint_openssl("HS256", test_keys().secret, base_claims());
  const std::string header_ = R"({"alg":"HS256","typ":"JWT"})";

  // A correctly HMAC-signed token whose header and payload texts are arbitrary.
  std::string signed_token(std::string_view header, std::string_view payload) const {
    return make_token(header, payload, "HS256", test_keys().secret);
  }
  std::string token_with_filler(std::size_t n) const {
    auto c = base_claims();
    c["pad"] = std::string(n, 'x');
    return mint_openssl("HS256", test_keys().secret, c);
  }
};

TEST_F(JwtMalformedTest, Empty) { expect_error(v_.verify("", kNow), JwtError::missing); }

TEST_F(JwtMalformedTest, WrongNumberOfParts) {
  const std::string h = base64url_encode(header_), p = base64url_encode(base_claims().dump());
  const std::vector<std::string> tokens = {h, h + "." + p, "." + p + ".", h + "..", "..", "...",
                                           good_ + ".", good_ + "." + p, "." + good_};
  for (const std::string& t : tokens) {
    SCOPED_TRACE(t.size());
    expect_error(v_.verify(t, kNow), JwtError::malformed);
  }
}

TEST_F(JwtMalformedTest, BadBase64InAnyPart) {
  const auto dot1 = good_.find('.'), dot2 = good_.rfind('.');
  const std::string h = good_.substr(0, dot1), p = good_.substr(dot1 + 1, dot2 - dot1 - 1),
                    s = good_.substr(dot2 + 1);
  const std::vector<std::string> bad = {
      "!" + h.substr(1) + "." + p + "." + s,  // not in the alphabet
      h + "." + p + "*." + s,
      h + "." + p + "." + s + "+",            // standard base64, not base64url
      h + "." + p + "." + s + "=",            // padding
      h + "." + p + "." + s.substr(2),        // 41 characters: 4n+1 cannot be base64
      h + "." + p + " ." + s,                 // whitespace
      h + "\n." + p + "." + s,
      h + "." + p + std::string(1, '\0') + "." + s,
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(i);
    expect_error(v_.verify(bad[i], kNow), JwtError::malformed);
  }
}

TEST_F(JwtMalformedTest, HeaderNotAJsonObject) {
  const std::string claims = base_claims().dump();
  for (const char* header : {"not json", "", "[]", R"(["alg","HS256"])", R"("HS256")", "42", "null",
                             R"({"alg":"HS256")", R"({"alg":"HS256"} trailing)", "{\"alg\":\"HS\xff\"}"}) {
    SCOPED_TRACE(header);
    expect_error(v_.verify(signed_token(header, claims), kNow), JwtError::malformed);
  }
}

TEST_F(JwtMalformedTest, PayloadNotAJsonObject) {
  for (const char* payload : {"not json", "[]", R"(["sub","u-1"])", R"("u-1")", "1", "null", "{\"sub\":"}) {
    SCOPED_TRACE(payload);
    expect_error(v_.verify(signed_token(header_, payload), kNow), JwtError::malformed);
  }
}

TEST_F(JwtMalformedTest, EmptyHeaderOrPayload) {
  expect_error(v_.verify(make_token("", base_claims().dump(), "HS256", test_keys().secret), kNow),
               JwtError::malformed);
  expect_error(v_.verify(signed_token(header_, ""), kNow), JwtError::malformed);
}

TEST_F(JwtMalformedTest, CriticalHeaderExtensionsAreRefused) {
  const std::string header = R"({"alg":"HS256","crit":["b64"],"b64":false})";
  expect_error(v_.verify(signed_token(header, base_claims().dump()), kNow), JwtError::malformed);
}

TEST_F(JwtMalformedTest, NonStringKid) {
  expect_error(v_.verify(signed_token(R"({"alg":"HS256","kid":1})", base_claims().dump()), kNow),
               JwtError::malformed);
}

TEST_F(JwtMalformedTest, EmbeddedKeysInTheHeaderAreIgnored) {
  // A token may not bring its own key: `jwk` naming the attacker's key changes nothing.
  const TestKeys& k = test_keys();
  const std::string header = std::string(R"({"alg":"ES256","jku":"https://evil.example/jwks","jwk":)") +
                             nlohmann::json(k.ec2.public_pem).dump() + "}";
  const std::string token = make_token(header, base_claims().dump(), "ES256", k.ec2.private_pem);
  expect_error(v_.verify(token, kNow), JwtError::bad_signature);
}

TEST_F(JwtMalformedTest, OversizeTokenIsRefusedEvenIfValid) {
  std::size_t n = 8192 * 3 / 4 - 300;
  while (token_with_filler(n + 1).size() <= 8192) ++n;
  const std::string at_limit = token_with_filler(n);
  ASSERT_LE(at_limit.size(), 8192u);
  ASSERT_GT(at_limit.size(), 8180u);
  EXPECT_TRUE(v_.verify(at_limit, kNow).ok());
  expect_error(v_.verify(token_with_filler(n + 1), kNow), JwtError::malformed);
  expect_error(v_.verify(token_with_filler(100'000), kNow), JwtError::malformed);
  expect_error(v_.verify(std::string(1 << 20, 'a'), kNow), JwtError::malformed);
}

// A token is at most 8 KiB, so 20,000 levels cannot get past the size check
// (OversizeTokenIsRefusedEvenIfValid); the deepest that fit are refused by
// the parser's depth bound, in the header and in the claims.
TEST_F(JwtMalformedTest, DeeplyNestedHeaderOrClaimsAreJustMalformed) {
  const std::string deep = nested_arrays(2000);
  expect_error(v_.verify(signed_token(deep, base_claims().dump()), kNow), JwtError::malformed);
  std::string claims = base_claims().dump();
  claims.insert(1, R"("deep":)" + deep + ",");
  expect_error(v_.verify(signed_token(header_, claims), kNow), JwtError::malformed);
  claims = base_claims().dump();
  claims.insert(1, R"("deep":)" + nested_arrays(max_json_depth() - 1) + ",");
  EXPECT_TRUE(v_.verify(signed_token(header_, claims), kNow).ok()) << "as deep as the bound allows";
}

TEST_F(JwtMalformedTest, NoMutationOfAValidTokenVerifies) {
  // Canonical base64url means every changed character changes the signed bytes
  // or the signature, so no single-character edit may be accepted.
  const std::string es = mint_openssl("ES256", signing_key("ES256"), base_claims());
  std::mt19937 rng(1234);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
  int accepted = 0;
  for (const std::string& token : {good_, es}) {
    ASSERT_TRUE(v_.verify(token, kNow).ok());
    for (std::size_t pos = 0; pos < token.size(); ++pos) {
      std::string m = token;
      char c;
      do c = alphabet[rng() % alphabet.size()]; while (c == token[pos]);
      m[pos] = c;
      if (v_.verify(m, kNow).ok()) ++accepted;
    }
  }
  EXPECT_EQ(accepted, 0);
}

TEST_F(JwtMalformedTest, RandomBytesNeverVerify) {
  std::mt19937 rng(99);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 200, '\0');
    for (char& c : junk) c = static_cast<char>(rng() % 4 == 0 ? '.' : rng() % 256);
    EXPECT_FALSE(v_.verify(junk, kNow).ok());
  }
}

TEST(Base64UrlTest, RoundTripsAndIsStrict) {
  for (std::size_t n = 0; n < 70; ++n) {
    std::string bytes;
    for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<char>((i * 37 + n) & 0xFF));
    EXPECT_EQ(auth::base64url_decode(base64url_encode(bytes)), bytes) << n;
  }
  EXPECT_EQ(auth::base64url_decode("-_8"), std::string("\xfb\xff", 2));
  EXPECT_FALSE(auth::base64url_decode("A"));       // 4n+1 characters
  EXPECT_FALSE(auth::base64url_decode("AAAAA"));
  EXPECT_FALSE(auth::base64url_decode("AA=="));    // padding
  EXPECT_FALSE(auth::base64url_decode("+/8"));     // standard alphabet
  EXPECT_FALSE(auth::base64url_decode("AB"));      // non-zero trailing bits ("AA" is canonical)
  EXPECT_FALSE(auth::base64url_decode("AAB"));
  EXPECT_TRUE(auth::base64url_decode("AA"));
  EXPECT_TRUE(auth::base64url_decode("AAE"));
}

}  // namespace
}  // namespace gangway::test
