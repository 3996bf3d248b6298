// Registered claims (exp, nbf, iss, aud) and how the Principal is built.
#include <gtest/gtest.h>

#include "gateway/auth/jwt_verifier.hpp"
#include "tests/auth/jwt_test_util.hpp"

namespace gangway::test {
namespace {

using auth::JwtError;
using auth::JwtPolicy;
using auth::JwtVerifier;
using nlohmann::json;

class JwtClaimsTest : public ::testing::Test {
 protected:
  // HS256 keeps these fast; the claim checks do not depend on the algorithm.
  static Result<auth::VerifiedToken, JwtError> verify(const json& claims, JwtPolicy p = policy()) {
    JwtVerifier v(std::move(p));
    return v.verify(mint_openssl("HS256", test_keys().secret, claims), kNow);
  }
  static json with(std::initializer_list<std::pair<const std::string, json>> changes) {
    json c = base_claims();
    for (const auto& [k, val] : changes) c[k] = val;
    return c;
  }
  static json without(const std::string& name) {
    json c = base_claims();
    c.erase(name);
    return c;
  }
  static JwtPolicy policy() { return policy_with({hs_key()}); }
};

TEST_F(JwtClaimsTest, Expired) {
  expect_error(verify(with({{"exp", kNow - 100}})), JwtError::expired);
}

TEST_F(JwtClaimsTest, LeewayAppliesToExp) {
  // Default leeway is 30 s; a token is valid strictly before exp + leeway.
  EXPECT_TRUE(verify(with({{"exp", kNow - 29}})).ok());
  expect_error(verify(with({{"exp", kNow - 30}})), JwtError::expired);
  JwtPolicy strict = policy();
  strict.leeway_s = 0;
  expect_error(verify(with({{"exp", kNow}}), strict), JwtError::expired);
  EXPECT_TRUE(verify(with({{"exp", kNow + 1}}), strict).ok());
}

// The socket's end (Principal::expires_at) is the first second at which this
// same check refuses the token: exp + leeway, rounded up.
TEST_F(JwtClaimsTest, ThePrincipalKnowsWhenItsTokenStopsVerifying) {
  JwtPolicy strict = policy();
  strict.leeway_s = 0;
  auto token = verify(with({{"exp", kNow + 100}}), strict);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->user.expires_at, kNow + 100);
  EXPECT_EQ(verify(with({{"exp", kNow + 100}}))->user.expires_at, kNow + 130) << "the default leeway";
  EXPECT_EQ(verify(with({{"exp", kNow + 0.5}}), strict)->user.expires_at, kNow + 1);
  JwtVerifier v(strict);
  EXPECT_FALSE(v.verify(mint_openssl("HS256", test_keys().secret, with({{"exp", kNow + 1}})), kNow + 1).ok())
      << "refused from expires_at on";
  JwtPolicy lax = policy();
  lax.require_exp = false;
  EXPECT_EQ(verify(without("exp"), lax)->user.expires_at, 0) << "no exp: no end known";
  EXPECT_EQ(verify(with({{"exp", 1e300}}))->user.expires_at, 0) << "centuries away: never";
}

TEST_F(JwtClaimsTest, NotYetValid) {
  expect_error(verify(with({{"nbf", kNow + 100}})), JwtError::not_yet_valid);
  EXPECT_TRUE(verify(with({{"nbf", kNow + 30}})).ok());  // within leeway
  EXPECT_TRUE(verify(with({{"nbf", kNow - 5}})).ok());
  JwtPolicy strict = policy();
  strict.leeway_s = 0;
  expect_error(verify(with({{"nbf", kNow + 1}}), strict), JwtError::not_yet_valid);
}

TEST_F(JwtClaimsTest, NegativeLeewayCountsAsZero) {
  JwtPolicy p = policy();
  p.leeway_s = -1000;
  EXPECT_TRUE(verify(with({{"exp", kNow + 1}, {"nbf", kNow}}), p).ok());
}

TEST_F(JwtClaimsTest, FractionalDatesAreAccepted) {
  EXPECT_TRUE(verify(with({{"exp", kNow + 0.5}, {"nbf", kNow - 0.5}})).ok());
}

TEST_F(JwtClaimsTest, MissingExpWhenRequired) {
  expect_error(verify(without("exp")), JwtError::expired);
  JwtPolicy lax = policy();
  lax.require_exp = false;
  EXPECT_TRUE(verify(without("exp"), lax).ok());
}

TEST_F(JwtClaimsTest, NonNumericDatesAreMalformed) {
  expect_error(verify(with({{"exp", std::to_string(kNow + 100)}})), JwtError::malformed);
  expect_error(verify(with({{"exp", nullptr}})), JwtError::malformed);
  expect_error(verify(with({{"nbf", true}})), JwtError::malformed);
}

TEST_F(JwtClaimsTest, Issuer) {
  JwtPolicy p = policy();
  p.issuer = "https://id.example";
  EXPECT_TRUE(verify(with({{"iss", "https://id.example"}}), p).ok());
  expect_error(verify(with({{"iss", "https://evil.example"}}), p), JwtError::bad_issuer);
  expect_error(verify(with({{"iss", "https://id.example/"}}), p), JwtError::bad_issuer);
  expect_error(verify(with({{"iss", json::array({"https://id.example"})}}), p), JwtError::bad_issuer);
  expect_error(verify(base_claims(), p), JwtError::bad_issuer);
  EXPECT_TRUE(verify(with({{"iss", "anyone"}})).ok());  // no issuer configured
}

TEST_F(JwtClaimsTest, AudienceStringOrArray) {
  JwtPolicy p = policy();
  p.audiences = {"chat", "gateway"};
  EXPECT_TRUE(verify(with({{"aud", "gateway"}}), p).ok());
  EXPECT_TRUE(verify(with({{"aud", json::array({"billing", "chat"})}}), p).ok());
  expect_error(verify(with({{"aud", "billing"}}), p), JwtError::bad_audience);
  expect_error(verify(with({{"aud", json::array({"billing", "admin"})}}), p), JwtError::bad_audience);
  expect_error(verify(with({{"aud", json::array()}}), p), JwtError::bad_audience);
  expect_error(verify(with({{"aud", 7}}), p), JwtError::bad_audience);
  expect_error(verify(with({{"aud", json::array({json::array({"chat"})})}}), p), JwtError::bad_audience);
  expect_error(verify(base_claims(), p), JwtError::bad_audience);
  EXPECT_TRUE(verify(with({{"aud", "anything"}})).ok());  // no audience configured
}

TEST_F(JwtClaimsTest, MissingOrUnusableSubject) {
  expect_error(verify(without("sub")), JwtError::no_subject);
  expect_error(verify(with({{"sub", ""}})), JwtError::no_subject);
  expect_error(verify(with({{"sub", 1.5}})), JwtError::no_subject);
  expect_error(verify(with({{"sub", true}})), JwtError::no_subject);
  expect_error(verify(with({{"sub", json::object({{"id", "u"}})}})), JwtError::no_subject);
  expect_error(verify(with({{"sub", nullptr}})), JwtError::no_subject);
}

TEST_F(JwtClaimsTest, IntegerSubjectBecomesDecimal) {
  EXPECT_EQ(verify(with({{"sub", 42}}))->user.id, "42");
  EXPECT_EQ(verify(with({{"sub", -7}}))->user.id, "-7");
  EXPECT_EQ(verify(with({{"sub", 18446744073709551615ULL}}))->user.id, "18446744073709551615");
}

TEST_F(JwtClaimsTest, CustomUserClaim) {
  JwtPolicy p = policy();
  p.user_claim = "user_id";
  const auto r = verify(with({{"user_id", 1001}}), p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->user.id, "1001");
  expect_error(verify(base_claims(), p), JwtError::no_subject);  // `sub` alone is not enough
}

TEST_F(JwtClaimsTest, NameIsTheFirstPresentStringClaim) {
  EXPECT_EQ(verify(base_claims())->user.name, "Ann");
  EXPECT_EQ(verify(with({{"name", 5}, {"username", "ann_1"}}))->user.name, "ann_1");
  EXPECT_EQ(verify(with({{"full_name", "Ann Lee"}, {"username", "ann_1"}}))->user.name, "Ann");
  json c = without("name");
  c["username"] = "ann_1";
  c["full_name"] = "Ann Lee";
  EXPECT_EQ(verify(c)->user.name, "Ann Lee");
  EXPECT_EQ(verify(without("name"))->user.name, "");
  JwtPolicy p = policy();
  p.name_claims = {"nick"};
  EXPECT_EQ(verify(with({{"nick", "A"}}), p)->user.name, "A");
}

TEST_F(JwtClaimsTest, UsernameIsItsClaimElseTheName) {
  EXPECT_EQ(verify(with({{"username", "ann_1"}}))->user.username, "ann_1");
  EXPECT_EQ(verify(base_claims())->user.username, "Ann");
  EXPECT_EQ(verify(with({{"username", 5}}))->user.username, "Ann");
  EXPECT_EQ(verify(with({{"username", ""}}))->user.username, "Ann");
  JwtPolicy p = policy();
  p.username_claim = "preferred_username";
  EXPECT_EQ(verify(with({{"preferred_username", "ann.lee"}, {"username", "x"}}), p)->user.username, "ann.lee");
}

TEST_F(JwtClaimsTest, ClaimsCarryTheWholePayload) {
  const json c = with({{"roles", json::array({"mod"})}, {"org", {{"id", 3}}}});
  const auto r = verify(c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->claims, c);
}

TEST_F(JwtClaimsTest, SignatureIsCheckedBeforeClaims) {
  // A forged token learns nothing about which claim would have failed.
  JwtVerifier v(policy_with({hs_key()}));
  const std::string forged = mint_openssl("HS256", "wrong-secret-wrong-secret-wrong!!", with({{"exp", 1}}));
  expect_error(v.verify(forged, kNow), JwtError::bad_signature);
}

}  // namespace
}  // namespace gangway::test
