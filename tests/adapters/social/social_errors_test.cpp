// Bad input: the seed's silent drops stay silent, the rest get the minimal
// {"type":"error","code","message"} frame; nothing throws.
#include <gtest/gtest.h>

#include <random>

#include "adapters/social/social_adapter.hpp"
#include "tests/adapters/frame_assertions.hpp"

namespace gangway::adapters {
namespace social_errors_test {  // its own: the unity build compiles it with other test files
namespace {

SessionInfo session() {
  SessionInfo s;
  s.app = "social";
  s.conn_id = "conn-1";
  s.user = Principal{"7", "alice", "alice", true};
  return s;
}

struct BadCase {
  std::string name;
  std::string frame;
  ErrorCode code;
  std::string field;
};

std::vector<BadCase> bad_cases() {
  return {
      {"empty", "", ErrorCode::invalid_json, ""},
      {"garbage", "hello", ErrorCode::invalid_json, ""},
      {"truncated", R"({"type":"private")", ErrorCode::invalid_json, ""},
      {"array", R"([{"type":"broadcast","content":"x"}])", ErrorCode::invalid_json, ""},
      {"null", "null", ErrorCode::invalid_json, ""},
      {"invalid utf-8", "{\"type\":\"broadcast\",\"content\":\"\xff\"}", ErrorCode::invalid_json, ""},
      {"no type", R"({"content":"x"})", ErrorCode::missing_field, "type"},
      {"type number", R"({"type":1,"content":"x"})", ErrorCode::invalid_field, "type"},
      {"unknown type", R"({"type":"typing"})", ErrorCode::unknown_type, "type"},
      {"empty type", R"({"type":""})", ErrorCode::unknown_type, "type"},
      {"type case", R"({"type":"PRIVATE","to":1,"content":"x"})", ErrorCode::unknown_type, "type"},
      {"server-only type", R"({"type":"notification","subtype":"new_post","message":"m"})",
       ErrorCode::unknown_type, "type"},
      // private
      {"private no to", R"({"type":"private","content":"x"})", ErrorCode::missing_field, "to"},
      {"private to string", R"({"type":"private","to":"123","content":"x"})", ErrorCode::invalid_field, "to"},
      {"private to zero", R"({"type":"private","to":0,"content":"x"})", ErrorCode::invalid_field, "to"},
      {"private to negative", R"({"type":"private","to":-5,"content":"x"})", ErrorCode::invalid_field, "to"},
      {"private to float", R"({"type":"private","to":1.5,"content":"x"})", ErrorCode::invalid_field, "to"},
      {"private to huge", R"({"type":"private","to":18446744073709551615,"content":"x"})",
       ErrorCode::invalid_field, "to"},
      {"private to exponent", R"({"type":"private","to":1e30,"content":"x"})", ErrorCode::invalid_field,
       "to"},
      {"private to null", R"({"type":"private","to":null,"content":"x"})", ErrorCode::invalid_field, "to"},
      {"private no content", R"({"type":"private","to":1})", ErrorCode::missing_field, "content"},
      {"private empty content", R"({"type":"private","to":1,"content":""})", ErrorCode::missing_field,
       "content"},
      {"private content number", R"({"type":"private","to":1,"content":5})", ErrorCode::invalid_field,
       "content"},
      {"private timestamp string", R"({"type":"private","to":1,"content":"x","timestamp":"1640995200"})",
       ErrorCode::invalid_field, "timestamp"},
      {"private timestamp float", R"({"type":"private","to":1,"content":"x","timestamp":1.5})",
       ErrorCode::invalid_field, "timestamp"},
      {"private timestamp negative", R"({"type":"private","to":1,"content":"x","timestamp":-1})",
       ErrorCode::invalid_field, "timestamp"},
      {"private timestamp null", R"({"type":"private","to":1,"content":"x","timestamp":null})",
       ErrorCode::invalid_field, "timestamp"},
      // group
      {"group no id", R"({"type":"group","content":"x"})", ErrorCode::missing_field, "group_id"},
      {"group id null", R"({"type":"group","group_id":null,"content":"x"})", ErrorCode::invalid_field,
       "group_id"},
      {"group id float", R"({"type":"group","group_id":4.5,"content":"x"})", ErrorCode::invalid_field,
       "group_id"},
      {"group id dot", R"({"type":"group","group_id":"4.5","content":"x"})", ErrorCode::invalid_id,
       "group_id"},
      {"group id star", R"({"type":"group","group_id":"*","content":"x"})", ErrorCode::invalid_id,
       "group_id"},
      {"group id gt", R"({"type":"group","group_id":">","content":"x"})", ErrorCode::invalid_id, "group_id"},
      {"group id space", R"({"type":"group","group_id":"a b","content":"x"})", ErrorCode::invalid_id,
       "group_id"},
      {"group id empty", R"({"type":"group","group_id":"","content":"x"})", ErrorCode::invalid_id,
       "group_id"},
      {"group id long", R"({"type":"group","group_id":")" + std::string(129, '1') + R"(","content":"x"})",
       ErrorCode::invalid_id, "group_id"},
      {"group no content", R"({"type":"group","group_id":"1"})", ErrorCode::missing_field, "content"},
      // broadcast
      {"broadcast no content", R"({"type":"broadcast"})", ErrorCode::missing_field, "content"},
      {"broadcast content array", R"({"type":"broadcast","content":["x"]})", ErrorCode::invalid_field,
       "content"},
  };
}

TEST(SocialErrors, EveryBadFrameIsADialectErrorThatTheSeedKeepsSilent) {
  SocialAdapter a;
  for (const BadCase& c : bad_cases()) {
    SCOPED_TRACE(c.name);
    auto got = a.decode(c.frame, session());
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, c.code) << to_string(got.error().code);
    EXPECT_EQ(got.error().field, c.field);
    EXPECT_FALSE(a.encode_error(got.error()).has_value());  // "Message Ignored"
  }
}

TEST(SocialErrors, BinaryFramesAreIgnoredLikeAnyNonJson) {
  EXPECT_FALSE(
      SocialAdapter().encode_error({ErrorCode::binary_frame, "binary frames are not accepted", "", ""}));
}

TEST(SocialErrors, ANonAdminBroadcastGetsAForbiddenFrame) {
  SessionInfo s = session();
  s.user.admin = false;
  SocialAdapter a;
  auto got = a.decode(R"({"type":"broadcast","content":"hi"})", s);
  ASSERT_FALSE(got.ok());
  auto frame = a.encode_error(got.error());
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(*frame, R"({"type":"error","code":"forbidden","message":"only administrators may broadcast"})");
}

TEST(SocialErrors, ANonMemberGroupSendSaysSo) {
  // What the core reports when the group_member callout denies.
  auto frame = SocialAdapter().encode_error({ErrorCode::forbidden, "not allowed", "", "group"});
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(*frame, R"({"type":"error","code":"forbidden","message":"not a member of this group"})");
}

TEST(SocialErrors, ErrorsTheSeedDoesNotCoverGetTheMinimalFrame) {
  SocialAdapter a;
  struct Case {
    ErrorCode code;
    std::string detail;
    std::string frame;
  };
  std::vector<Case> cases{
      {ErrorCode::store_failed, "the message could not be stored",
       R"({"type":"error","code":"store_failed","message":"the message could not be stored"})"},
      {ErrorCode::rate_limited, "", R"({"type":"error","code":"rate_limited","message":"rate_limited"})"},
      {ErrorCode::unavailable, "authorization is unavailable, try again",
       R"({"type":"error","code":"unavailable","message":"authorization is unavailable, try again"})"},
      {ErrorCode::not_joined, "x", R"({"type":"error","code":"not_joined","message":"x"})"},
      {ErrorCode::too_large, "too large", R"({"type":"error","code":"too_large","message":"too large"})"},
      {ErrorCode::internal, "", R"({"type":"error","code":"internal","message":"internal"})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.frame);
    auto frame = a.encode_error({c.code, c.detail, "", "private"});
    ASSERT_TRUE(frame.has_value());
    EXPECT_EQ(*frame, c.frame);
  }
}

TEST(SocialErrors, EveryErrorCodeIsEitherSilentOrAValidFrame) {
  SocialAdapter a;
  for (int i = 0; i <= static_cast<int>(ErrorCode::internal); ++i) {
    auto code = static_cast<ErrorCode>(i);
    SCOPED_TRACE(std::string(to_string(code)));
    auto frame = a.encode_error({code, "d", "", "group"});
    if (!frame) continue;
    Json j = Json::parse(*frame);
    EXPECT_EQ(j.size(), 3u);
    EXPECT_EQ(j.at("type"), "error");
    EXPECT_EQ(j.at("code"), std::string(public_code(code)));  // social has no not-found code
    EXPECT_TRUE(j.at("message").is_string());
  }
}

TEST(SocialErrors, RandomBytesNeverThrow) {
  SocialAdapter a;
  std::mt19937 rng(3);
  const std::string seed = R"({"type":"group","group_id":"456","content":"Hello","timestamp":1640995200})";
  for (int i = 0; i < 3000; ++i) {
    std::string frame = seed;
    for (int k = 0; k < 1 + i % 6; ++k) frame[rng() % frame.size()] = static_cast<char>(rng() % 256);
    EXPECT_NO_THROW({
      auto got = a.decode(frame, session());
      if (!got.ok()) (void)a.encode_error(got.error());
    });
  }
}

}  // namespace
}  // namespace social_errors_test
}  // namespace gangway::adapters
