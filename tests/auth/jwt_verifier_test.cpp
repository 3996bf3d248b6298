// Signatures, algorithm pinning, key selection and key configuration.
#include "gateway/auth/jwt_verifier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <thread>

#include "tests/auth/jwt_test_util.hpp"
#include "tests/support/token_factory.hpp"

namespace gangway::test {
namespace {

using auth::JwtError;
using auth::JwtVerifier;

// Each supported alg, minted by libjwt and by plain OpenSSL, must verify.
struct MintCase {
  std::string alg;
  bool libjwt;
};

class ValidTokenTest : public ::testing::TestWithParam<MintCase> {};

TEST_P(ValidTokenTest, VerifiesAndFillsPrincipal) {
  const auto& [alg, libjwt] = GetParam();
  JwtVerifier v(policy_with({hs_key(), rs_key(), es_key()}));
  const auto claims = base_claims();
  const std::string token = libjwt ? mint_libjwt(alg, signing_key(alg), claims)
                                   : mint_openssl(alg, signing_key(alg), claims);
  const auto r = v.verify(token, kNow);
  ASSERT_TRUE(r.ok()) << auth::to_string(r.error());
  EXPECT_EQ(r->user.id, "u-1");
  EXPECT_EQ(r->user.name, "Ann");
  EXPECT_EQ(r->claims, claims);
}

INSTANTIATE_TEST_SUITE_P(Algs, ValidTokenTest,
                         ::testing::Values(MintCase{"HS256", true}, MintCase{"HS256", false},
                                           MintCase{"RS256", true}, MintCase{"RS256", false},
                                           MintCase{"ES256", true}, MintCase{"ES256", false}),
                         [](const auto& info) {
                           return info.param.alg + (info.param.libjwt ? "_libjwt" : "_openssl");
                         });

class TamperTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TamperTest, AlteredPayloadIsBadSignature) {
  const std::string& alg = GetParam();
  JwtVerifier v(policy_with({hs_key(), rs_key(), es_key()}));
  const std::string token = mint_openssl(alg, signing_key(alg), base_claims());
  auto forged = base_claims();
  forged["sub"] = "admin";
  const auto dot1 = token.find('.'), dot2 = token.rfind('.');
  const std::string tampered =
      token.substr(0, dot1 + 1) + base64url_encode(forged.dump()) + token.substr(dot2);
  expect_error(v.verify(tampered, kNow), JwtError::bad_signature);
}

TEST_P(TamperTest, AlteredSignatureIsBadSignature) {
  const std::string& alg = GetParam();
  JwtVerifier v(policy_with({hs_key(), rs_key(), es_key()}));
  const std::string token = mint_openssl(alg, signing_key(alg), base_claims());
  const auto dot2 = token.rfind('.');
  const std::string input = token.substr(0, dot2);
  for (std::size_t byte : {std::size_t{0}, std::size_t{20}}) {  // in R and in S for ES256
    std::string sig = sign(alg, signing_key(alg), input);
    sig[byte] = static_cast<char>(sig[byte] ^ 0x01);
    expect_error(v.verify(input + "." + base64url_encode(sig), kNow), JwtError::bad_signature);
  }
  expect_error(v.verify(input + "." + base64url_encode(sign(alg, signing_key(alg), input).substr(1)), kNow),
               JwtError::bad_signature);
}

INSTANTIATE_TEST_SUITE_P(Algs, TamperTest, ::testing::Values("HS256", "RS256", "ES256"));

TEST(JwtVerifierTest, WrongSecretIsBadSignature) {
  JwtVerifier v(policy_with({hs_key()}));
  const std::string token = mint_libjwt("HS256", "another-secret-of-a-decent-length!!", base_claims());
  expect_error(v.verify(token, kNow), JwtError::bad_signature);
}

TEST(JwtVerifierTest, WrongKeyPairIsBadSignature) {
  JwtVerifier v(policy_with({rs_key(), es_key()}));
  expect_error(v.verify(mint_openssl("RS256", test_keys().rsa2.private_pem, base_claims()), kNow),
               JwtError::bad_signature);
  expect_error(v.verify(mint_openssl("ES256", test_keys().ec2.private_pem, base_claims()), kNow),
               JwtError::bad_signature);
}

TEST(JwtVerifierTest, Es256DerSignatureIsRefused) {
  // JWS requires raw R||S; accepting DER too would make signatures malleable.
  JwtVerifier v(policy_with({es_key()}));
  const std::string header = R"({"alg":"ES256","typ":"JWT"})";
  const std::string input = base64url_encode(header) + "." + base64url_encode(base_claims().dump());
  const std::string der = sign("ES256", signing_key("ES256"), input, /*es256_der=*/true);
  expect_error(v.verify(input + "." + base64url_encode(der), kNow), JwtError::bad_signature);
}

TEST(JwtVerifierTest, AlgNoneIsRefusedWithOrWithoutSignature) {
  JwtVerifier v(policy_with({hs_key(), rs_key()}));
  const std::string claims = base_claims().dump();
  for (const char* alg : {"none", "None", "NONE", "nOnE"}) {
    const std::string header = std::string(R"({"alg":")") + alg + R"(","typ":"JWT"})";
    SCOPED_TRACE(alg);
    expect_error(v.verify(make_token(header, claims, "none", ""), kNow), JwtError::alg_refused);
    // A valid HMAC under a known key must not rescue a token that says none.
    expect_error(v.verify(make_token(header, claims, "HS256", test_keys().secret), kNow),
                 JwtError::alg_refused);
  }
}

TEST(JwtVerifierTest, UnknownOrMissingAlgIsRefused) {
  JwtVerifier v(policy_with({hs_key()}));
  const std::string claims = base_claims().dump();
  for (const char* header : {R"({"alg":"HS512"})", R"({"alg":"PS256"})", R"({"alg":"hs256"})",
                             R"({"typ":"JWT"})", R"({"alg":256})", R"({"alg":null})", R"({"alg":["HS256"]})"}) {
    SCOPED_TRACE(header);
    expect_error(v.verify(make_token(header, claims, "HS256", test_keys().secret), kNow), JwtError::alg_refused);
  }
}

TEST(JwtVerifierTest, HmacWithPublicKeyAsSecretIsRefused) {
  // The classic confusion: an attacker HMACs with the (public) RSA or EC PEM.
  for (const auto& [key, pem] : {std::pair{rs_key(), test_keys().rsa.public_pem},
                                 std::pair{es_key(), test_keys().ec.public_pem}}) {
    JwtVerifier v(policy_with({key}));
    const std::string token = mint_openssl("HS256", pem, base_claims());
    expect_error(v.verify(token, kNow), JwtError::alg_refused);
    expect_error(v.verify(mint_openssl("HS256", pem, base_claims(), "k1"), kNow), JwtError::alg_refused);
  }
}

TEST(JwtVerifierTest, LibjwtAloneWouldAcceptTheConfusionToken) {
  // Documents why the verifier does not hand tokens to libjwt's jwt_decode.
  const std::string& pem = test_keys().rsa.public_pem;
  const std::string token = mint_libjwt("HS256", pem, base_claims());
  if (!libjwt_decode_accepts(token, pem)) GTEST_SKIP() << "this libjwt refuses it; pinning is still required";
  JwtVerifier v(policy_with({rs_key()}));
  expect_error(v.verify(token, kNow), JwtError::alg_refused);
}

TEST(JwtVerifierTest, AlgMustMatchTheKeys) {
  JwtVerifier es_only(policy_with({es_key()}));
  expect_error(es_only.verify(mint_libjwt("RS256", signing_key("RS256"), base_claims()), kNow),
               JwtError::alg_refused);
  JwtVerifier rs_only(policy_with({rs_key()}));
  expect_error(rs_only.verify(mint_libjwt("ES256", signing_key("ES256"), base_claims()), kNow),
               JwtError::alg_refused);
  expect_error(rs_only.verify(mint_libjwt("HS256", test_keys().secret, base_claims()), kNow),
               JwtError::alg_refused);
}

TEST(JwtVerifierTest, NoKeysMeansNoKey) {
  JwtVerifier v(policy_with({}));
  expect_error(v.verify(mint_openssl("HS256", test_keys().secret, base_claims()), kNow), JwtError::no_key);
}

TEST(JwtVerifierTest, KidSelectsTheKey) {
  const TestKeys& k = test_keys();
  JwtVerifier v(policy_with({{"RS256", "a", k.rsa.public_pem}, {"RS256", "b", k.rsa2.public_pem}}));
  EXPECT_TRUE(v.verify(mint_libjwt("RS256", k.rsa.private_pem, base_claims(), "a"), kNow).ok());
  EXPECT_TRUE(v.verify(mint_openssl("RS256", k.rsa2.private_pem, base_claims(), "b"), kNow).ok());
  // Signed by b's private key but naming a: only key a is tried.
  expect_error(v.verify(mint_openssl("RS256", k.rsa2.private_pem, base_claims(), "a"), kNow),
               JwtError::bad_signature);
  expect_error(v.verify(mint_openssl("RS256", k.rsa.private_pem, base_claims(), "c"), kNow), JwtError::no_key);
  expect_error(v.verify(mint_openssl("RS256", k.rsa.private_pem, base_claims()), kNow), JwtError::no_key);
}

TEST(JwtVerifierTest, KidStillPinsTheAlg) {
  JwtVerifier v(policy_with({rs_key("a"), hs_key("h")}));
  // Naming the RSA key while claiming HS256 is confusion, even with a matching kid.
  expect_error(v.verify(mint_openssl("HS256", test_keys().rsa.public_pem, base_claims(), "a"), kNow),
               JwtError::alg_refused);
  EXPECT_TRUE(v.verify(mint_openssl("HS256", test_keys().secret, base_claims(), "h"), kNow).ok());
}

TEST(JwtVerifierTest, KeyWithoutKidServesAnyToken) {
  const TestKeys& k = test_keys();
  JwtVerifier v(policy_with({{"ES256", "old", k.ec2.public_pem}, es_key()}));
  EXPECT_TRUE(v.verify(mint_openssl("ES256", k.ec.private_pem, base_claims(), "new"), kNow).ok());
  EXPECT_TRUE(v.verify(mint_openssl("ES256", k.ec.private_pem, base_claims()), kNow).ok());
  EXPECT_TRUE(v.verify(mint_openssl("ES256", k.ec2.private_pem, base_claims(), "old"), kNow).ok());
}

TEST(JwtVerifierTest, TriesEveryKeyOfTheAlgWithoutKid) {
  const TestKeys& k = test_keys();
  JwtVerifier v(policy_with({{"RS256", "", k.rsa2.public_pem}, hs_key(), rs_key()}));
  EXPECT_TRUE(v.verify(mint_libjwt("RS256", k.rsa.private_pem, base_claims()), kNow).ok());
  EXPECT_TRUE(v.verify(mint_libjwt("RS256", k.rsa2.private_pem, base_claims()), kNow).ok());
}

TEST(JwtVerifierTest, UnusableKeysThrowAtConstruction) {
  const TestKeys& k = test_keys();
  const std::vector<auth::JwtKey> bad = {
      {"HS256", "", ""},                                      // empty secret
      {"HS512", "", k.secret},                                // unsupported alg
      {"none", "", k.secret},
      {"hs256", "", k.secret},                                // names are case-sensitive
      {"RS256", "", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"},
      {"RS256", "", "not a pem"},
      {"RS256", "", k.rsa.private_pem},                       // a private key is not a public key
      {"RS256", "", k.ec.public_pem},                         // wrong key type
      {"ES256", "", k.rsa.public_pem},
      {"ES256", "", generate_ec_keypair("P-384").public_pem},  // ES256 is P-256 only
      {"RS256", "", generate_rsa_keypair(1024).public_pem},    // too short
      {"HS256", "", k.rsa.public_pem},                        // a PEM as an HMAC secret
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_THROW(JwtVerifier(policy_with({hs_key(), bad[i]})), std::invalid_argument);
  }
}

TEST(JwtVerifierTest, ConstructionErrorNamesTheKeyButNotTheSecret) {
  try {
    JwtVerifier v(policy_with({{"HS256", "main", "short-but-secret"}, {"RS256", "r1", "junk"}}));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("key #1"), std::string::npos) << what;
    EXPECT_NE(what.find("r1"), std::string::npos) << what;
    EXPECT_EQ(what.find("short-but-secret"), std::string::npos) << what;
  }
}

TEST(JwtVerifierTest, ConcurrentVerifyFromManyThreads) {
  // One instance is shared by every loop; run with TSan to make this meaningful.
  JwtVerifier v(policy_with({hs_key(), rs_key(), es_key()}));
  const std::vector<std::string> good = {mint_openssl("HS256", signing_key("HS256"), base_claims()),
                                         mint_openssl("RS256", signing_key("RS256"), base_claims()),
                                         mint_openssl("ES256", signing_key("ES256"), base_claims())};
  const std::string bad = mint_openssl("ES256", test_keys().ec2.private_pem, base_claims());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 150; ++i) {
        if (!v.verify(good[static_cast<std::size_t>(i) % good.size()], kNow).ok()) ++wrong;
        if (v.verify(bad, kNow).ok()) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(JwtVerifierTest, ErrorNamesAreDistinct) {
  std::set<std::string_view> names;
  for (int e = 0; e <= static_cast<int>(JwtError::no_subject); ++e) {
    names.insert(auth::to_string(static_cast<JwtError>(e)));
  }
  EXPECT_EQ(names.size(), 10u);
  EXPECT_EQ(names.count("unknown"), 0u);
}

// Each loop thread keeps its own keyed HMAC per key and reuses it check after
// check: keys with different secrets, checked in turn, many times, on several
// threads, must never lend each other their key; nor may a key made later
// (perhaps at a freed key's address) inherit an earlier one's.
TEST(JwtVerifierTest, HmacKeysStayApartAcrossChecksAndThreads) {
  const std::string other_secret = "a-second-secret-that-is-long-enough-0123";
  auto first = std::make_unique<JwtVerifier>(policy_with({hs_key()}));
  auto second = std::make_unique<JwtVerifier>(policy_with({{"HS256", "", other_secret}}));
  const std::string for_first = mint_openssl("HS256", test_keys().secret, base_claims());
  const std::string for_second = mint_openssl("HS256", other_secret, base_claims());
  std::atomic<int> wrong{0};
  auto check = [&](const JwtVerifier& a, const JwtVerifier& b) {
    for (int i = 0; i < 200; ++i) {
      if (!a.verify(for_first, kNow).ok() || a.verify(for_second, kNow).ok()) ++wrong;
      if (!b.verify(for_second, kNow).ok() || b.verify(for_first, kNow).ok()) ++wrong;
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(check, std::cref(*first), std::cref(*second));
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  // Replaced keys, on a thread that already keeps copies of the old ones.
  first.reset();
  second.reset();
  first = std::make_unique<JwtVerifier>(policy_with({{"HS256", "", other_secret}}));
  second = std::make_unique<JwtVerifier>(policy_with({hs_key()}));
  check(*second, *first);
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace gangway::test
