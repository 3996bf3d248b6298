// The admin API's bearer secret: exactly `Authorization: Bearer <secret>`.
#include "gateway/admin/bearer_auth.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gangway {
namespace {

bool allows(const AdminAuthenticator& auth, std::string_view authorization) {
  AdminRequest req;
  if (!authorization.empty()) req.headers.emplace_back("Authorization", authorization);
  return auth(req);
}

TEST(BearerAuth, AcceptsTheSecretAndNothingElse) {
  auto auth = bearer_authenticator("0123456789abcdef-secret");
  EXPECT_TRUE(allows(auth, "Bearer 0123456789abcdef-secret"));
  EXPECT_TRUE(allows(auth, "bearer 0123456789abcdef-secret")) << "the scheme is case-insensitive (RFC 7235)";
  EXPECT_FALSE(allows(auth, ""));
  EXPECT_FALSE(allows(auth, "Bearer "));
  EXPECT_FALSE(allows(auth, "Bearer 0123456789abcdef-secreT"));
  EXPECT_FALSE(allows(auth, "Bearer 0123456789abcdef-secret "));
  EXPECT_FALSE(allows(auth, "Bearer 0123456789abcdef-secre"));
  EXPECT_FALSE(allows(auth, "Basic 0123456789abcdef-secret"));
  EXPECT_FALSE(allows(auth, "0123456789abcdef-secret"));
  EXPECT_THROW(bearer_authenticator(""), std::invalid_argument);
}

}  // namespace
}  // namespace gangway
