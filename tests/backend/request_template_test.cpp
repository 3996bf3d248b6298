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

// The values one call sees: a DM socket of user 8 on thread 2, and a winkr-like frame.
struct Fixture {
  Params params{{"conversation_id", "c-1"}, {"user_id", "8"}, {"thread_id", "2"}};
  Params route{{"thread_id", "2"}};
  Principal user{"8", "Maya Patel", "maya", false};
  Claims claims{{"picture", "\"https://cdn.example/8.png\""}, {"age", "31"}, {"/org/id", "\"o-1\""}};
  Json frame = Json::parse(R"({"event":"message:send","data":{"conversation_id":"c-1","content":"hi \"you\"",
                                 "metadata":{"k":[1,2]},"n":5,"bad":"a/b","flag":true}})");
  Json data = Json{{"content", "hi"}, {"to", 3}};
  Json envelope = Json{{"id", "e-1"}, {"data", {{"content", "hi"}}}};
  TemplateValues values() const { return {&params, &route, &user, &claims, &frame, &data, &envelope}; }
};

RequestTemplate tmpl(std::string method, std::string path, Json body = nullptr) {
  RequestTemplate t;
  t.method = std::move(method);
  t.path = std::move(path);
  t.body_template = std::move(body);
  return t;
}

std::optional<std::string> target(const RequestTemplate& t, const TemplateValues& v, TemplateFailure* f = nullptr) {
  TemplateFailure ignored;
  return expand_target(t, v, f ? *f : ignored);
}

std::optional<Json> body(const RequestTemplate& t, const TemplateValues& v, TemplateFailure* f = nullptr,
                         const Json& request_body = nullptr) {
  TemplateFailure ignored;
  auto text = expand_body(t, v, request_body, f ? *f : ignored);
  if (!text) return std::nullopt;
  return text->empty() ? Json() : Json::parse(*text);
}

TEST(ExpandTarget, FillsEverySourceInThePath) {
  Fixture x;
  EXPECT_EQ(target(tmpl("GET", "/c/{conversation_id}/u/{user_id}"), x.values()), "/c/c-1/u/8");
  EXPECT_EQ(target(tmpl("GET", "/dms/{route:thread_id}/by/{user:id}"), x.values()), "/dms/2/by/8");
  EXPECT_EQ(target(tmpl("DELETE", "/c/{frame:/data/conversation_id}/m/{data:/to}"), x.values()), "/c/c-1/m/3");
  EXPECT_EQ(target(tmpl("GET", "/e/{envelope:/id}/{claim:age}"), x.values()), "/e/e-1/31");
}

TEST(ExpandTarget, APathValueMustBeAnIdAndIsNotSentOtherwise) {
  Fixture x;
  for (const char* path : {"/m/{frame:/data/bad}", "/m/{frame:/data/metadata}", "/m/{user:name}", "/m/{frame:/data/content}"}) {
    TemplateFailure f;
    EXPECT_FALSE(target(tmpl("GET", path), x.values(), &f)) << path;
    EXPECT_EQ(f.kind, TemplateFailure::Kind::bad_value) << path;
  }
  TemplateFailure f;
  EXPECT_FALSE(target(tmpl("GET", "/m/{frame:/data/bad}"), x.values(), &f));
  EXPECT_EQ(f.placeholder, "{frame:/data/bad}");
}

TEST(ExpandTarget, QueryValuesArePercentEncodedAndOptionalOnesDropped) {
  Fixture x;
  auto t = tmpl("GET", "/history?user={user_id}&q={frame:/data/bad}");
  t.query = {{"text", "{frame:/data/content}"}, {"since", "{frame:/data/since?}"}, {"n", "{frame:/data/n}"},
             {"lit", "a b"}};
  EXPECT_EQ(target(t, x.values()), "/history?user=8&q=a%2Fb&text=hi%20%22you%22&n=5&lit=a%20b");
  auto no_query = tmpl("GET", "/history");
  no_query.query = {{"since", "{frame:/data/since?}"}, {"user", "{user:username}"}};
  EXPECT_EQ(target(no_query, x.values()), "/history?user=maya");
}

TEST(ExpandTarget, AnAbsentValueNamesItsPlaceholder) {
  Fixture x;
  for (const char* path : {"/a/{thread}", "/a/{route:place_id}", "/a/{claim:nope}", "/a/{frame:/data/nope}",
                           "/a/{data:/nope}", "/a/{envelope:/nope}", "/a/{frame:/data/metadata/k/9}"}) {
    TemplateFailure f;
    EXPECT_FALSE(target(tmpl("GET", path), x.values(), &f)) << path;
    EXPECT_EQ(f.kind, TemplateFailure::Kind::missing) << path;
    EXPECT_EQ("/a/" + f.placeholder, std::string(path)) << path;
  }
  TemplateValues nothing;
  TemplateFailure f;
  EXPECT_FALSE(target(tmpl("GET", "/a/{frame:/x}"), nothing, &f)) << "no frame at all";
  EXPECT_EQ(f.kind, TemplateFailure::Kind::missing);
}

TEST(ExpandTarget, BracesThatAreNotPlaceholdersStayLiteral) {
  EXPECT_EQ(target(tmpl("GET", "/a/{}/{not a name}/{x"), TemplateValues{}), "/a/{}/{not a name}/{x");
  EXPECT_EQ(target(tmpl("GET", "/a/{other:thing}"), TemplateValues{}), "/a/{other:thing}");
}

TEST(ExpandBody, StringLeavesThatAreOnePlaceholderKeepTheirType) {
  Fixture x;
  Json t = Json::parse(R"({"text":"{frame:/data/content}","meta":"{frame:/data/metadata}","n":"{frame:/data/n}",
                           "flag":"{frame:/data/flag}","avatar":"{claim:picture}","age":"{claim:age}",
                           "org":"{claim:/org/id}","to":"{data:/to}","all":"{data:}","constant":7,
                           "list":["{user:id}","x-{user:username}-y"],"greeting":"Hi {user:name}, {claim:age}"})");
  auto got = body(tmpl("POST", "/m", t), x.values());
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["text"], "hi \"you\"");
  EXPECT_EQ((*got)["meta"], Json::parse(R"({"k":[1,2]})"));
  EXPECT_EQ((*got)["n"], 5);
  EXPECT_EQ((*got)["flag"], true);
  EXPECT_EQ((*got)["avatar"], "https://cdn.example/8.png");
  EXPECT_EQ((*got)["age"], 31);
  EXPECT_EQ((*got)["org"], "o-1");
  EXPECT_EQ((*got)["to"], 3);
  EXPECT_EQ((*got)["all"], x.data);
  EXPECT_EQ((*got)["constant"], 7);
  EXPECT_EQ((*got)["list"], Json::parse(R"(["8","x-maya-y"])"));
  EXPECT_EQ((*got)["greeting"], "Hi Maya Patel, 31");
}

TEST(ExpandBody, TheEnvelopeOnlyWhenAskedFor) {
  Fixture x;
  EXPECT_EQ(body(tmpl("POST", "/m", Json{{"text", "{data:/content}"}}), x.values()), (Json{{"text", "hi"}}));
  EXPECT_EQ(body(tmpl("POST", "/m", Json{{"env", "{envelope}"}}), x.values()), (Json{{"env", x.envelope}}));
  RequestTemplate legacy = tmpl("POST", "/m");
  legacy.body = "{envelope}";
  EXPECT_EQ(body(legacy, x.values()), x.envelope) << "a string body writes an object as JSON";
}

TEST(ExpandBody, OptionalValuesAreDroppedAndOthersAreMissing) {
  Fixture x;
  Json t = Json::parse(R"({"text":"{frame:/data/content}","since":"{frame:/data/since?}","tags":["a","{frame:/x?}"]})");
  EXPECT_EQ(body(tmpl("POST", "/m", t), x.values()), Json::parse(R"({"text":"hi \"you\"","tags":["a"]})"));
  TemplateFailure f;
  EXPECT_FALSE(body(tmpl("POST", "/m", Json{{"since", "{frame:/data/since}"}}), x.values(), &f));
  EXPECT_EQ(f.kind, TemplateFailure::Kind::missing);
  EXPECT_EQ(f.placeholder, "{frame:/data/since}");
  EXPECT_FALSE(body(tmpl("POST", "/m", Json{{"s", "at {frame:/data/metadata}"}}), x.values(), &f));
  EXPECT_EQ(f.kind, TemplateFailure::Kind::bad_value) << "an object cannot be interpolated into text";
}

TEST(ExpandBody, LegacyStringBodyEscapesParamsAndDumpsData) {
  Params p{{"user_id", "u\"1\\\n"}};
  TemplateValues v{&p};
  RequestTemplate t = tmpl("POST", "/m");
  t.body = R"({"user":"{user_id}","payload":{data},"text":"{frame:/data/content}"})";
  Fixture x;
  v.frame = &x.frame;
  auto got = body(t, v, nullptr, Json{{"content", "hi"}});
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["user"], "u\"1\\\n");
  EXPECT_EQ((*got)["payload"]["content"], "hi");
  EXPECT_EQ((*got)["text"], "hi \"you\"");
}

TEST(ExpandBody, NoTemplateIsTheRequestBody) {
  TemplateFailure f;
  EXPECT_EQ(expand_body(tmpl("POST", "/m"), {}, Json{{"a", 1}}, f), R"({"a":1})");
  EXPECT_EQ(expand_body(tmpl("POST", "/m"), {}, Json(), f), "");
}

TEST(ExpandBody, InvalidUtf8DoesNotThrow) {
  Params p{{"v", "\xff"}};
  RequestTemplate t = tmpl("POST", "/m", Json{{"u", "{v}"}});
  TemplateFailure f;
  auto text = expand_body(t, TemplateValues{&p}, nullptr, f);
  ASSERT_TRUE(text);
  EXPECT_FALSE(Json::parse(*text, nullptr, false).is_discarded());
  t.body_template = nullptr;
  t.body = R"({"u":"{v}"})";
  text = expand_body(t, TemplateValues{&p}, nullptr, f);
  ASSERT_TRUE(text);
  EXPECT_FALSE(Json::parse(*text, nullptr, false).is_discarded());
}

TEST(TemplateProblem, RefusesWhatCannotWork) {
  EXPECT_EQ(template_problem(tmpl("PUT", "/a/{route:x}", Json::object())), "");
  EXPECT_NE(template_problem(tmpl("TRACE", "/a")), "");
  EXPECT_NE(template_problem(tmpl("GET", "a")), "");
  EXPECT_NE(template_problem(tmpl("GET", "/a", Json::object())), "") << "a GET sends no body";
  EXPECT_NE(template_problem(tmpl("POST", "/a/{frame:data}")), "") << "a pointer starts with /";
  EXPECT_NE(template_problem(tmpl("POST", "/a/{user:email}")), "");
  EXPECT_NE(template_problem(tmpl("POST", "/a/{route:a-b}")), "");
  EXPECT_NE(template_problem(tmpl("POST", "/a/{frame:/x?}")), "") << "a path value cannot be optional";
  EXPECT_NE(template_problem(tmpl("POST", "/a", Json{{"s", "x {frame:/x?}"}})), "");
  EXPECT_EQ(template_problem(tmpl("POST", "/a", Json{{"s", "{frame:/x?}"}})), "");
  std::string problem;
  placeholders(tmpl("POST", "/a/{data:nope}"), &problem);
  EXPECT_NE(problem.find("{data:nope}"), std::string::npos) << problem;
}

TEST(Placeholders, ListsEveryOneWithItsSource) {
  RequestTemplate t = tmpl("POST", "/a/{route:thread_id}/{user_id}?x={claim:picture}", Json{{"t", "{frame:/text}"}});
  t.query = {{"e", "{envelope:/id}"}};
  auto all = placeholders(t);
  ASSERT_EQ(all.size(), 5u);
  using S = Placeholder::Source;
  EXPECT_EQ(all[0].source, S::route);
  EXPECT_EQ(all[0].key, "thread_id");
  EXPECT_EQ(all[1].source, S::param);
  EXPECT_EQ(all[2].source, S::claim);
  EXPECT_EQ(all[2].key, "picture");
  EXPECT_EQ(all[3].source, S::envelope);
  EXPECT_EQ(all[4].source, S::frame);
  EXPECT_EQ(all[4].key, "/text");
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
