// CalloutClient's cache, bounded queue and shutdown, against a real HTTP server.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "gateway/backend/callout_client.hpp"
#include "tests/backend/callout_support.hpp"
#include "tests/support/test_backend.hpp"

namespace gangway::backend {
namespace {

using namespace std::chrono_literals;
using Outcome = CalloutResult::Outcome;
using test::call_sync;

CalloutSpec cached(std::string path, std::chrono::milliseconds ttl) {
  CalloutSpec s;
  s.path = std::move(path);
  s.cache_ttl = ttl;
  return s;
}

class CalloutLifecycleTest : public ::testing::Test {
 protected:
  test::TestBackend backend_;
};

TEST_F(CalloutLifecycleTest, CacheHitAvoidsASecondRequestAndCompletesInline) {
  CalloutClient client(backend_.url(), 2);
  auto spec = cached("/participant/true", 10min);
  EXPECT_TRUE(call_sync(client, spec).allowed());
  EXPECT_EQ(backend_.request_count(), 1u);

  test::Results results;
  client.call(spec, {}, results.slot(0));
  EXPECT_EQ(results.completions(), 1u);  // before call() returned
  ASSERT_TRUE(results.at(0));
  EXPECT_TRUE(results.at(0)->allowed());
  EXPECT_EQ(results.at(0)->body["participant"], true);
  EXPECT_EQ(backend_.request_count(), 1u);
}

TEST_F(CalloutLifecycleTest, CacheIsKeyedOnParamsAndForwardedCredentials) {
  CalloutClient client(backend_.url(), 1);
  auto spec = cached("/users/{user_id}", 10min);
  spec.forward_bearer = true;
  CalloutRequest a;
  a.params = {{"user_id", "1"}};
  a.bearer = "token-a";
  CalloutRequest b = a;
  b.bearer = "token-b";
  CalloutRequest c = a;
  c.params["user_id"] = "2";
  for (int round = 0; round < 2; ++round) {
    EXPECT_TRUE(call_sync(client, spec, a).allowed());
    EXPECT_TRUE(call_sync(client, spec, b).allowed());
    EXPECT_TRUE(call_sync(client, spec, c).allowed());
  }
  EXPECT_EQ(backend_.request_count(), 3u);
}

TEST_F(CalloutLifecycleTest, CachedAnswerExpiresAfterTtl) {
  CalloutClient client(backend_.url(), 1);
  auto spec = cached("/ok", 50ms);
  EXPECT_TRUE(call_sync(client, spec).allowed());
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(call_sync(client, spec).allowed());
  EXPECT_EQ(backend_.request_count(), 2u);
}

TEST_F(CalloutLifecycleTest, DeniedAndUnavailableAreNotCached) {
  CalloutClient client(backend_.url(), 1);
  auto denied = cached("/status/403", 10min);
  auto failed = cached("/status/500", 10min);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(call_sync(client, denied).outcome, Outcome::denied);
    EXPECT_EQ(call_sync(client, failed).outcome, Outcome::unavailable);
  }
  EXPECT_EQ(backend_.request_count(), 4u);
}

TEST_F(CalloutLifecycleTest, ZeroTtlIsNeverCached) {
  CalloutClient client(backend_.url(), 1);
  auto spec = cached("/ok", 0ms);
  EXPECT_TRUE(call_sync(client, spec).allowed());
  EXPECT_TRUE(call_sync(client, spec).allowed());
  EXPECT_EQ(backend_.request_count(), 2u);
}

TEST_F(CalloutLifecycleTest, FullQueueFailsClosedWithoutBlocking) {
  CalloutClient client(backend_.url(), 1, 2);
  auto slow = cached("/slow", 0ms);
  slow.timeout = 10s;
  test::Results results;
  client.call(slow, {}, results.slot(0));
  ASSERT_TRUE(backend_.wait_for_requests(1));  // the only worker is now busy
  client.call(slow, {}, results.slot(1));
  client.call(slow, {}, results.slot(2));
  client.call(slow, {}, results.slot(3));  // queue holds 2: this one is refused
  EXPECT_EQ(results.completions(), 1u);
  ASSERT_TRUE(results.at(3));
  EXPECT_EQ(results.at(3)->outcome, Outcome::unavailable);

  backend_.release();
  ASSERT_TRUE(results.wait(4));
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(results.at(i)->allowed()) << i;
  EXPECT_EQ(results.extra_completions(), 0u);
}

TEST_F(CalloutLifecycleTest, DestructorCompletesQueuedAndInFlightCallsOnce) {
  auto client = std::make_unique<CalloutClient>(backend_.url(), 1, 8);
  auto slow = cached("/slow", 0ms);
  slow.timeout = 10s;
  test::Results results;
  client->call(slow, {}, results.slot(0));
  ASSERT_TRUE(backend_.wait_for_requests(1));
  for (std::size_t i = 1; i < 4; ++i) client->call(slow, {}, results.slot(i));

  client.reset();  // the backend is still holding the first request

  EXPECT_EQ(results.completions(), 4u);
  EXPECT_EQ(results.extra_completions(), 0u);
  for (std::size_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(results.at(i)) << i;
    EXPECT_EQ(results.at(i)->outcome, Outcome::unavailable) << i;
  }
  EXPECT_EQ(backend_.request_count(), 1u);  // the queued ones were never sent
}

TEST_F(CalloutLifecycleTest, ManyConcurrentCallersAllComplete) {
  CalloutClient client(backend_.url(), 4, 1000);
  test::Results results;
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        CalloutRequest req;
        req.params = {{"id", std::to_string(t * 50 + i)}};
        client.call(cached("/items/{id}", 0ms), req, results.slot(static_cast<std::size_t>(t * 50 + i)));
      }
    });
  }
  for (auto& c : callers) c.join();
  ASSERT_TRUE(results.wait(200));
  for (std::size_t i = 0; i < 200; ++i) EXPECT_TRUE(results.at(i)->allowed()) << i;
  EXPECT_EQ(results.extra_completions(), 0u);
}

}  // namespace
}  // namespace gangway::backend
