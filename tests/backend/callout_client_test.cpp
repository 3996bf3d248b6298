// CalloutClient against a real HTTP server: templates, outcomes, credentials.
#include "gateway/backend/callout_client.hpp"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>

#include "tests/backend/callout_support.hpp"
#include "tests/support/test_backend.hpp"
#include "tests/support/process.hpp"

namespace gangway::backend {
namespace {

using namespace std::chrono_literals;
using Outcome = CalloutResult::Outcome;
using test::call_sync;

CalloutSpec get(std::string path) {
  CalloutSpec s;
  s.path = std::move(path);
  return s;
}

class CalloutClientTest : public ::testing::Test {
 protected:
  test::TestBackend backend_;  // declared first: outlives the client, whose sockets close first
  CalloutClient client_{backend_.url(), 2};
};

TEST_F(CalloutClientTest, SubstitutesPathParamsAndPercentEncodesQueryValues) {
  CalloutRequest req;
  req.params = {{"conversation_id", "c-1"}, {"user_id", "u-1"}, {"q", "a/b?c d#%"}};
  auto r = call_sync(client_, get("/internal/conversations/{conversation_id}/participants/{user_id}?q={q}"), req);
  EXPECT_EQ(r.outcome, Outcome::allowed);
  auto seen = backend_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/internal/conversations/c-1/participants/u-1?q=a%2Fb%3Fc%20d%23%25");
}

TEST_F(CalloutClientTest, APathValueThatIsNotAnIdIsNotSent) {
  CalloutRequest req;
  req.params = {{"user_id", "../admin"}};
  auto r = call_sync(client_, get("/users/{user_id}"), req);
  EXPECT_EQ(r.why, CalloutResult::Why::bad_value);
  EXPECT_EQ(r.problem, "{user_id}");
  EXPECT_EQ(backend_.request_count(), 0u);
}

TEST_F(CalloutClientTest, SendsEveryMethodWithItsTemplatedBody) {
  Json frame = Json::parse(R"({"data":{"conversation_id":"c-1","message_id":"m-9","content":"hi"}})");
  CalloutRequest req;
  req.params = {{"user_id", "u-1"}};
  req.values.frame = &frame;
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    CalloutSpec spec;
    spec.method = method;
    spec.path = "/c/{frame:/data/conversation_id}/m/{frame:/data/message_id}";
    spec.body_template = Json{{"text", "{frame:/data/content}"}, {"by", "{user_id}"}};
    EXPECT_TRUE(call_sync(client_, spec, req).allowed()) << method;
  }
  auto seen = backend_.requests();
  ASSERT_EQ(seen.size(), 4u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].method, (std::array<const char*, 4>{"POST", "PUT", "PATCH", "DELETE"})[i]);
    EXPECT_EQ(seen[i].target, "/c/c-1/m/m-9");
    EXPECT_EQ(Json::parse(seen[i].body), (Json{{"text", "hi"}, {"by", "u-1"}})) << seen[i].method;
  }
  CalloutSpec plain_delete;
  plain_delete.method = "DELETE";
  plain_delete.path = "/c/{frame:/data/conversation_id}";
  EXPECT_TRUE(call_sync(client_, plain_delete, req).allowed());
  EXPECT_EQ(backend_.requests().back().body, "") << "a DELETE without a body template sends none";
}

TEST_F(CalloutClientTest, MissingParamIsUnavailableWithoutACall) {
  auto r = call_sync(client_, get("/users/{user_id}"));
  EXPECT_EQ(r.outcome, Outcome::unavailable);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(backend_.request_count(), 0u);
}

TEST_F(CalloutClientTest, MapsStatusesToOutcomes) {
  struct Case {
    int status;
    Outcome expected;
  };
  for (auto c : {Case{200, Outcome::allowed}, Case{204, Outcome::allowed}, Case{401, Outcome::denied},
                 Case{403, Outcome::denied}, Case{404, Outcome::denied}, Case{500, Outcome::unavailable},
                 Case{502, Outcome::unavailable}, Case{429, Outcome::unavailable}}) {
    auto r = call_sync(client_, get("/status/" + std::to_string(c.status)));
    EXPECT_EQ(r.outcome, c.expected) << c.status;
    EXPECT_EQ(r.status, c.status);
  }
}

TEST_F(CalloutClientTest, ReturnsTheParsedBody) {
  auto r = call_sync(client_, get("/participant/true"));
  EXPECT_EQ(r.body, Json::parse(R"({"participant":true})"));
}

TEST_F(CalloutClientTest, SlowBackendTimesOutAsUnavailable) {
  auto spec = get("/slow");
  spec.timeout = 200ms;
  auto r = call_sync(client_, spec);
  EXPECT_EQ(r.outcome, Outcome::unavailable);
  EXPECT_EQ(r.status, 0);
  // The late answer must not poison the worker's connection for later calls.
  backend_.release();
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(call_sync(client_, get("/participant/true")).allowed()) << i;
}

TEST(CalloutClientNoServer, NothingListeningIsUnavailable) {
  CalloutClient client("http://127.0.0.1:" + std::to_string(test::free_port()), 1);
  auto spec = get("/anything");
  spec.timeout = 500ms;
  auto r = call_sync(client, spec);
  EXPECT_EQ(r.outcome, Outcome::unavailable);
  EXPECT_EQ(r.status, 0);
}

TEST(CalloutClientConfig, RefusesUnusableBaseUrls) {
  EXPECT_THROW(CalloutClient("127.0.0.1:8001", 1), std::invalid_argument);
  EXPECT_THROW(CalloutClient("ftp://127.0.0.1:8001", 1), std::invalid_argument);
  EXPECT_THROW(CalloutClient("http://", 1), std::invalid_argument);
}

TEST_F(CalloutClientTest, BaseUrlPathIsAPrefix) {
  CalloutClient prefixed(backend_.url() + "/api/", 1);
  EXPECT_TRUE(call_sync(prefixed, get("/v1/check")).allowed());
  ASSERT_EQ(backend_.request_count(), 1u);
  EXPECT_EQ(backend_.requests()[0].target, "/api/v1/check");
}

TEST_F(CalloutClientTest, AllowPointerMatchAndMismatch) {
  auto spec = get("/participant/true");
  spec.allow_pointer = "/participant";
  spec.allow_equals = true;
  EXPECT_EQ(call_sync(client_, spec).outcome, Outcome::allowed);
  spec.path = "/participant/false";
  EXPECT_EQ(call_sync(client_, spec).outcome, Outcome::denied);
  spec.path = "/text";  // 200 but nothing to evaluate the rule on
  EXPECT_EQ(call_sync(client_, spec).outcome, Outcome::unavailable);
}

TEST_F(CalloutClientTest, ForwardsBearerAndCookieWhenConfigured) {
  auto spec = get("/me");
  spec.forward_bearer = spec.forward_cookie = true;
  CalloutRequest req;
  req.bearer = "tok.en.value";
  req.cookie = "session=abc; theme=dark";
  EXPECT_TRUE(call_sync(client_, spec, req).allowed());
  auto seen = backend_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("Authorization"), "Bearer tok.en.value");
  EXPECT_EQ(seen[0].header("Cookie"), "session=abc; theme=dark");
}

TEST_F(CalloutClientTest, DoesNotForwardCredentialsUnlessConfigured) {
  CalloutRequest req;
  req.bearer = "tok.en.value";
  req.cookie = "session=abc";
  EXPECT_TRUE(call_sync(client_, get("/me"), req).allowed());
  auto seen = backend_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("Authorization"), "");
  EXPECT_EQ(seen[0].header("Cookie"), "");
}

TEST_F(CalloutClientTest, CredentialWithLineBreakIsDeniedWithoutACall) {
  auto spec = get("/me");
  spec.forward_bearer = true;
  CalloutRequest req;
  req.bearer = "tok\r\nX-Injected: 1";
  EXPECT_EQ(call_sync(client_, spec, req).outcome, Outcome::denied);
  EXPECT_EQ(backend_.request_count(), 0u);
}

TEST_F(CalloutClientTest, PostsTheExpandedBodyTemplate) {
  CalloutSpec spec;
  spec.method = "POST";
  spec.path = "/internal/conversations/{conversation_id}/messages";
  spec.body = R"({"sender":"{user_id}","message":{data}})";
  CalloutRequest req;
  req.params = {{"conversation_id", "c-1"}, {"user_id", "u\"1"}};
  req.body = Json{{"content", "hello \"world\""}};
  EXPECT_TRUE(call_sync(client_, spec, req).allowed());
  auto seen = backend_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/internal/conversations/c-1/messages");
  EXPECT_EQ(seen[0].header("Content-Type"), "application/json");
  Json body = Json::parse(seen[0].body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << seen[0].body;
  EXPECT_EQ(body["sender"], "u\"1");
  EXPECT_EQ(body["message"]["content"], "hello \"world\"");
}

TEST_F(CalloutClientTest, PostWithoutTemplateSendsTheRequestBody) {
  CalloutSpec spec;
  spec.method = "POST";
  spec.path = "/store";
  CalloutRequest req;
  req.body = Json{{"a", 1}};
  EXPECT_TRUE(call_sync(client_, spec, req).allowed());
  ASSERT_EQ(backend_.request_count(), 1u);
  EXPECT_EQ(Json::parse(backend_.requests()[0].body), req.body);
}

TEST_F(CalloutClientTest, UnsupportedMethodIsUnavailableWithoutACall) {
  auto spec = get("/x");
  spec.method = "TRACE";
  EXPECT_EQ(call_sync(client_, spec).outcome, Outcome::unavailable);
  EXPECT_EQ(backend_.request_count(), 0u);
}

}  // namespace
}  // namespace gangway::backend
