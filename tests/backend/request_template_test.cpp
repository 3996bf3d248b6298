#include "gateway/backend/request_template.hpp"

#include <gtest/gtest.h>

#include "gateway/backend/answer_cache.hpp"
#include "gateway/backend/response_rule.hpp"
#include "tests/support/deep_json.hpp"

namespace gangway::backend {
namespace {

TEST(UrlEncode, KeepsUnreservedAndEncodesEverythingElse) {
  EXPECT_EQ(url_encode("Az09-._~"), "Az09-._~");
  EXPECT_EQ(url_encode("a/b?c=d&e f#g%"), "a%2Fb%3Fc%3Dd%26e%20f%23g%25");
  EXPECT_EQ(url_encode("é"), "%C3%A9");
  EXPECT_EQ(url_encode(std::string_view("\0\n", 2)), "%00%0A");
}

TEST(ExpandPath, SubstitutesEveryPlaceholder) {
  Params p{{"conversation_id", "c-1"}, {"user_id", "u/2"}};
  EXPECT_EQ(expand_path("/internal/conversations/{conversation_id}/participants/{user_id}", p),
            "/internal/conversations/c-1/participants/u%2F2");
  EXPECT_EQ(expand_path("/check?user={user_id}&again={user_id}", p), "/check?user=u%2F2&again=u%2F2");
}

TEST(ExpandPath, MissingParamNamesIt) {
  std::string missing;
  EXPECT_FALSE(expand_path("/a/{thread_id}/b", Params{}, &missing));
  EXPECT_EQ(missing, "thread_id");
}

TEST(ExpandPath, BracesThatAreNotPlaceholdersStayLiteral) {
  EXPECT_EQ(expand_path("/a/{}/{not a name}/{x", Params{}), "/a/{}/{not a name}/{x");
}

TEST(ExpandBody, JsonEscapesParamsAndDumpsData) {
  Params p{{"user_id", "u\"1\\\n"}};
  auto body = expand_body(R"({"user":"{user_id}","payload":{data}})", p, Json{{"content", "hi"}});
  ASSERT_TRUE(body);
  Json parsed = Json::parse(*body);
  EXPECT_EQ(parsed["user"], "u\"1\\\n");
  EXPECT_EQ(parsed["payload"]["content"], "hi");
}

TEST(ExpandBody, EmptyTemplateIsTheData) {
  EXPECT_EQ(expand_body("", Params{}, Json{{"a", 1}}), R"({"a":1})");
  EXPECT_EQ(expand_body("", Params{}, Json()), "");
}

TEST(ExpandBody, MissingParamFails) {
  std::string missing;
  EXPECT_FALSE(expand_body(R"({"u":"{user_id}"})", Params{}, Json(), &missing));
  EXPECT_EQ(missing, "user_id");
}

TEST(ExpandBody, InvalidUtf8DoesNotThrow) {
  auto body = expand_body(R"({"u":"{v}"})", Params{{"v", "\xff"}}, Json());
  ASSERT_TRUE(body);
  EXPECT_FALSE(Json::parse(*body, nullptr, false).is_discarded());
}

using Outcome = CalloutResult::Outcome;

TEST(ClassifyResponse, StatusMapping) {
  CalloutSpec spec;
  EXPECT_EQ(classify_response(spec, 200, "{}").outcome, Outcome::allowed);
  EXPECT_EQ(classify_response(spec, 204, "").outcome, Outcome::allowed);
  EXPECT_EQ(classify_response(spec, 401, "").outcome, Outcome::denied);
  EXPECT_EQ(classify_response(spec, 403, "").outcome, Outcome::denied);
  EXPECT_EQ(classify_response(spec, 404, "").outcome, Outcome::denied);
  EXPECT_EQ(classify_response(spec, 302, "").outcome, Outcome::unavailable);
  EXPECT_EQ(classify_response(spec, 400, "").outcome, Outcome::unavailable);
  EXPECT_EQ(classify_response(spec, 500, "").outcome, Outcome::unavailable);
  EXPECT_EQ(classify_response(spec, 503, "").outcome, Outcome::unavailable);
}

TEST(ClassifyResponse, ADeeplyNestedAnswerIsUnavailableNotWalked) {
  CalloutSpec spec;
  CalloutSpec with_rule;
  with_rule.allow_pointer = "/ok";
  with_rule.allow_equals = true;
  for (std::size_t levels : test::kDeepLevels) {
    for (const std::string& body : {test::nested_arrays(levels), test::nested_objects(levels)}) {
      auto r = classify_response(spec, 200, body);
      EXPECT_EQ(r.outcome, Outcome::unavailable) << levels;
      EXPECT_TRUE(r.body.is_null());
      EXPECT_EQ(classify_response(with_rule, 200, body).outcome, Outcome::unavailable);
      EXPECT_EQ(classify_response(spec, 403, body).outcome, Outcome::denied);
    }
  }
}

TEST(ClassifyResponse, KeepsTheParsedBody) {
  CalloutSpec spec;
  auto r = classify_response(spec, 200, R"({"user_id":"7"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body["user_id"], "7");
  EXPECT_TRUE(classify_response(spec, 200, "nope").body.is_null());
}

TEST(ClassifyResponse, AllowPointer) {
  CalloutSpec spec;
  spec.allow_pointer = "/thread/status";
  spec.allow_equals = "accepted";
  EXPECT_EQ(classify_response(spec, 200, R"({"thread":{"status":"accepted"}})").outcome, Outcome::allowed);
  EXPECT_EQ(classify_response(spec, 200, R"({"thread":{"status":"pending"}})").outcome, Outcome::denied);
  EXPECT_EQ(classify_response(spec, 200, R"({"thread":{}})").outcome, Outcome::denied);
  EXPECT_EQ(classify_response(spec, 200, R"({"thread":[1]})").outcome, Outcome::denied);
  EXPECT_EQ(classify_response(spec, 200, "not json").outcome, Outcome::unavailable);
  EXPECT_EQ(classify_response(spec, 403, "not json").outcome, Outcome::denied);
  spec.allow_pointer = "no-leading-slash";
  EXPECT_EQ(classify_response(spec, 200, "{}").outcome, Outcome::unavailable);
}

TEST(CacheKey, HoldsNoRawCredential) {
  CalloutSpec spec;
  spec.forward_bearer = spec.forward_cookie = true;
  CalloutRequest req;
  req.bearer = "eyJsecret.token.value";
  req.cookie = "session=topsecretcookie";
  std::string key = cache_key(spec, "/p", "", req);
  EXPECT_EQ(key.find("secret"), std::string::npos);
  CalloutRequest other = req;
  other.bearer = "eyJother.token.value";
  EXPECT_NE(key, cache_key(spec, "/p", "", other));
  spec.forward_bearer = false;  // an unforwarded credential does not split the cache
  EXPECT_EQ(cache_key(spec, "/p", "", req), cache_key(spec, "/p", "", other));
}

TEST(CacheKey, FieldsDoNotRunTogether) {
  CalloutSpec spec;
  spec.method = "POST";
  CalloutRequest req;
  EXPECT_NE(cache_key(spec, "/a", "bc", req), cache_key(spec, "/ab", "c", req));
}

TEST(AnswerCache, ExpiresAndEvictsOldestAtCapacity) {
  using namespace std::chrono_literals;
  AnswerCache cache(2);
  auto t0 = AnswerCache::Clock::time_point{} + 1h;
  CalloutResult ok;
  ok.outcome = Outcome::allowed;
  cache.put("a", ok, t0 + 10s, t0);
  cache.put("b", ok, t0 + 10s, t0);
  EXPECT_TRUE(cache.find("a", t0 + 1s));
  EXPECT_FALSE(cache.find("a", t0 + 10s));  // expired answers are gone
  EXPECT_EQ(cache.size(), 1u);
  cache.put("c", ok, t0 + 20s, t0 + 1s);
  cache.put("d", ok, t0 + 20s, t0 + 1s);  // full: "b" is the oldest
  EXPECT_FALSE(cache.find("b", t0 + 2s));
  EXPECT_TRUE(cache.find("c", t0 + 2s));
  EXPECT_TRUE(cache.find("d", t0 + 2s));
  EXPECT_EQ(cache.size(), 2u);
  cache.put("e", ok, t0 + 40s, t0 + 30s);  // "c" and "d" have expired and make room first
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace gangway::backend
