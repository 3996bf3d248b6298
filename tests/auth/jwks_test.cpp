// JSON Web Key Sets: which keys are taken, which are skipped, and how the
// verifier uses a fetched set next to its configured keys.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "gateway/auth/jwk.hpp"
#include "tests/auth/jwt_test_util.hpp"
#include "tests/support/deep_json.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;

std::string set_of(const std::vector<json>& keys) {
  json set = {{"keys", json::array()}};
  for (const auto& k : keys) set["keys"].push_back(k);
  return set.dump();
}

auth::JwkSet parse_ok(const std::string& body) {
  auto set = auth::parse_jwks(body);
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : set.error());
  return set.ok() ? *set : auth::JwkSet{};
}

TEST(JwksTest, RsaAndEcKeysBecomePinnedKeysThatVerifyTheirTokens) {
  const TestKeys& k = test_keys();
  auto set = parse_ok(set_of({public_jwk(k.rsa, "r1"), public_jwk(k.ec, "e1")}));
  ASSERT_EQ(set.keys.size(), 2u);
  EXPECT_EQ(set.keys[0].alg, "RS256");
  EXPECT_EQ(set.keys[0].kid, "r1");
  EXPECT_EQ(set.keys[1].alg, "ES256");
  EXPECT_TRUE(set.skipped.empty());

  auth::JwtVerifier verifier(auth::JwtPolicy{});
  verifier.set_remote_keys(set.keys);
  EXPECT_EQ(verifier.remote_keys(), 2u);
  EXPECT_TRUE(verifier.verify(mint_openssl("RS256", k.rsa.private_pem, base_claims(), "r1"), kNow).ok());
  EXPECT_TRUE(verifier.verify(mint_libjwt("ES256", k.ec.private_pem, base_claims(), "e1"), kNow).ok());
  // Another key pair's token under a known kid is a bad signature, not a pass.
  expect_error(verifier.verify(mint_openssl("RS256", k.rsa2.private_pem, base_claims(), "r1"), kNow),
               auth::JwtError::bad_signature);
  // The key is pinned to RS256: an HS256 token "signed" with its PEM is refused.
  expect_error(verifier.verify(mint_openssl("HS256", set.keys[0].material, base_claims(), "r1"), kNow),
               auth::JwtError::alg_refused);
}

TEST(JwksTest, KeysTheVerifierCannotPinAreSkippedWithAReason) {
  const TestKeys& k = test_keys();
  json enc = public_jwk(k.rsa, "enc");
  enc["use"] = "enc";
  json ps256 = public_jwk(k.rsa, "ps");
  ps256["alg"] = "PS256";
  json oct = {{"kty", "oct"}, {"kid", "secret"}, {"k", base64url_encode("published-secret")}, {"alg", "HS256"}};
  json p384 = public_jwk(k.ec, "p384");
  p384["crv"] = "P-384";
  json off_curve = public_jwk(k.ec, "off");
  off_curve["y"] = base64url_encode(std::string(32, '\x01'));
  json short_rsa = public_jwk(k.rsa, "short");
  short_rsa["n"] = base64url_encode(std::string(128, '\xff'));  // 1024 bits
  json bad_b64 = public_jwk(k.rsa, "b64");
  bad_b64["n"] = "not base64url!";
  json kid_number = public_jwk(k.rsa, "");
  kid_number["kid"] = 7;

  auto set = parse_ok(set_of({enc, ps256, oct, p384, off_curve, short_rsa, bad_b64, kid_number, json("text"),
                              public_jwk(k.ec, "good")}));
  ASSERT_EQ(set.keys.size(), 1u);
  EXPECT_EQ(set.keys[0].kid, "good");
  EXPECT_EQ(set.skipped.size(), 9u);
  for (const auto& why : set.skipped) EXPECT_FALSE(why.empty());
}

// Found by tests/fuzz (fuzz_jwks): a 256-byte modulus with its top bit clear
// (2047 bits) passed the key set's length check, then the verifier refused it
// (< 2048 bits) and with it the whole set: one odd key kept every rotated key
// out (and, at startup, every user).
TEST(JwksTest, AKeyTheVerifierWouldRefuseIsSkippedNotTheSet) {
  const TestKeys& k = test_keys();
  json short_by_a_bit = public_jwk(k.rsa, "2047");
  short_by_a_bit["n"] = base64url_encode("\x7f" + std::string(255, '\xff'));
  auto set = parse_ok(set_of({short_by_a_bit, public_jwk(k.ec, "good")}));
  ASSERT_EQ(set.keys.size(), 1u);
  EXPECT_EQ(set.keys[0].kid, "good");
  ASSERT_EQ(set.skipped.size(), 1u);
  EXPECT_NE(set.skipped[0].find("shorter than 2048 bits"), std::string::npos) << set.skipped[0];
  auth::JwtVerifier verifier(auth::JwtPolicy{});
  EXPECT_NO_THROW(verifier.set_remote_keys(set.keys));
  EXPECT_EQ(verifier.remote_keys(), 1u);
}

TEST(JwksTest, ASetWithoutUsableKeysIsRefused) {
  json oct = {{"kty", "oct"}, {"k", "c2VjcmV0"}};
  for (const std::string& body : std::vector<std::string>{"", "not json", "[]", R"({"keys":{}})", R"({"no":"keys"})",
                                                          R"({"keys":[]})", set_of({oct})}) {
    SCOPED_TRACE(body);
    auto set = auth::parse_jwks(body);
    ASSERT_FALSE(set.ok());
    EXPECT_FALSE(set.error().empty());
  }
}

TEST(JwksTest, ADeeplyNestedSetIsRefusedNotWalked) {
  for (std::size_t levels : kDeepLevels) {
    for (const std::string& body : {nested_arrays(levels), R"({"keys":[)" + nested_objects(levels) + "]}"}) {
      auto set = auth::parse_jwks(body);
      ASSERT_FALSE(set.ok()) << levels;
      EXPECT_FALSE(set.error().empty());
    }
  }
}

TEST(JwksTest, ARefreshReplacesTheRemoteKeysAndKeepsTheConfiguredOnes) {
  const TestKeys& k = test_keys();
  auth::JwtVerifier verifier(policy_with({hs_key("configured")}));
  verifier.set_remote_keys(parse_ok(set_of({public_jwk(k.rsa, "old")})).keys);
  std::string old_token = mint_openssl("RS256", k.rsa.private_pem, base_claims(), "old");
  ASSERT_TRUE(verifier.verify(old_token, kNow).ok());

  verifier.set_remote_keys(parse_ok(set_of({public_jwk(k.rsa2, "new")})).keys);
  EXPECT_TRUE(verifier.verify(mint_openssl("RS256", k.rsa2.private_pem, base_claims(), "new"), kNow).ok());
  expect_error(verifier.verify(old_token, kNow), auth::JwtError::no_key);
  EXPECT_TRUE(verifier.verify(mint_openssl("HS256", k.secret, base_claims(), "configured"), kNow).ok());
}

TEST(JwksTest, AnUnknownKidIsReportedSoTheSetCanBeRefetched) {
  const TestKeys& k = test_keys();
  auth::JwtVerifier verifier(auth::JwtPolicy{});
  verifier.set_remote_keys(parse_ok(set_of({public_jwk(k.rsa, "known")})).keys);
  std::atomic<int> unknown{0};
  verifier.on_unknown_kid([&] { ++unknown; });
  ASSERT_TRUE(verifier.verify(mint_openssl("RS256", k.rsa.private_pem, base_claims(), "known"), kNow).ok());
  EXPECT_EQ(unknown, 0);
  expect_error(verifier.verify(mint_openssl("RS256", k.rsa2.private_pem, base_claims(), "rotated"), kNow),
               auth::JwtError::no_key);
  EXPECT_EQ(unknown, 1);
}

}  // namespace
}  // namespace gangway::test
