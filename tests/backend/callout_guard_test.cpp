// What keeps a struggling backend from being hammered: cancelled calls never
// sent, the breaker failing fast and probing, and the counters behind them.
#include <gtest/gtest.h>

#include <thread>

#include "gateway/backend/callout_client.hpp"
#include "tests/backend/callout_support.hpp"
#include "tests/support/test_backend.hpp"

namespace gangway::backend {
namespace callout_guard_test {  // its own: the unity build compiles it with other test files
namespace {

using namespace std::chrono_literals;
using Outcome = CalloutResult::Outcome;
using Why = CalloutResult::Why;
using test::call_sync;

CalloutSpec get(std::string path, std::chrono::milliseconds timeout = 10s) {
  CalloutSpec s;
  s.path = std::move(path);
  s.timeout = timeout;
  return s;
}

class CalloutGuardTest : public ::testing::Test {
 protected:
  // Holds the client's only worker with a /slow call until release().
  void occupy(CalloutClient& client) {
    client.call(get("/slow"), {}, held_.slot(0));
    ASSERT_TRUE(backend_.wait_for_requests(1));
  }

  test::TestBackend backend_;
  test::Results held_;
};

TEST_F(CalloutGuardTest, CancelledCallsCompleteAsCancelledAndAreNeverSent) {
  CalloutClient client(backend_.url(), 1);
  occupy(client);
  CancelToken gone, alive;
  test::Results results;
  for (std::size_t i = 0; i < 10; ++i) client.call(get("/ok"), {}, results.slot(i), gone);
  client.call(get("/ok"), {}, results.slot(10), alive);
  gone.cancel();
  EXPECT_EQ(results.completions(), 0u);  // queued: they complete when a worker or the queue gets to them
  backend_.release();

  ASSERT_TRUE(results.wait(11));
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(results.at(i)->outcome, Outcome::unavailable) << i;
    EXPECT_EQ(results.at(i)->why, Why::cancelled) << i;
  }
  EXPECT_TRUE(results.at(10)->allowed());
  EXPECT_EQ(backend_.request_count(), 2u);  // the /slow one and the live one
  EXPECT_EQ(client.counters()->cancelled, 10u);
  EXPECT_EQ(results.extra_completions(), 0u);
}

TEST_F(CalloutGuardTest, AlreadyCancelledTokenCompletesInline) {
  CalloutClient client(backend_.url(), 1);
  CancelToken token;
  token.cancel();
  test::Results results;
  client.call(get("/ok"), {}, results.slot(0), token);
  ASSERT_EQ(results.completions(), 1u);  // before call() returned
  EXPECT_EQ(results.at(0)->why, Why::cancelled);
  EXPECT_EQ(backend_.request_count(), 0u);
}

TEST_F(CalloutGuardTest, FullQueueFailsInlineButCancelledCallsMakeRoom) {
  CalloutOptions options;
  options.threads = 1;
  options.queue = 3;
  CalloutClient client(backend_.url(), options);
  occupy(client);
  CancelToken gone;
  test::Results results;
  client.call(get("/ok"), {}, results.slot(0), gone);
  client.call(get("/ok"), {}, results.slot(1));
  client.call(get("/ok"), {}, results.slot(2));
  client.call(get("/ok"), {}, results.slot(3));  // full: fails before call() returns
  ASSERT_EQ(results.completions(), 1u);
  EXPECT_EQ(results.at(3)->why, Why::queue_full);
  EXPECT_EQ(client.counters()->rejected_queue_full, 1u);
  EXPECT_EQ(client.counters()->queued, 3);

  gone.cancel();
  client.call(get("/ok"), {}, results.slot(4));  // the cancelled one is swept out for it
  ASSERT_EQ(results.completions(), 2u);
  EXPECT_EQ(results.at(0)->why, Why::cancelled);
  EXPECT_EQ(client.counters()->queued, 3);

  backend_.release();
  ASSERT_TRUE(results.wait(5));
  for (std::size_t i : {1, 2, 4}) EXPECT_TRUE(results.at(i)->allowed()) << i;
  EXPECT_EQ(backend_.request_count(), 4u);
}

TEST_F(CalloutGuardTest, BreakerOpensAfterKFailuresFailsFastProbesAndCloses) {
  CalloutOptions options;
  options.threads = 1;
  options.breaker = {3, 300ms};
  CalloutClient client(backend_.url(), options);
  auto counters = client.counters();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call_sync(client, get("/status/503")).status, 503) << i;
  EXPECT_EQ(counters->breaker_state, 1);  // open
  EXPECT_EQ(counters->breaker_opens, 1u);

  test::Results fast;
  client.call(get("/participant/true"), {}, fast.slot(0));
  ASSERT_EQ(fast.completions(), 1u);  // inline: the backend is not asked
  EXPECT_EQ(fast.at(0)->why, Why::breaker_open);
  EXPECT_EQ(backend_.request_count(), 3u);
  EXPECT_EQ(counters->rejected_breaker_open, 1u);

  std::this_thread::sleep_for(400ms);  // past the cool-down
  EXPECT_EQ(call_sync(client, get("/status/500")).status, 500);  // the probe fails: open again
  EXPECT_EQ(backend_.request_count(), 4u);
  EXPECT_EQ(counters->breaker_opens, 2u);
  EXPECT_EQ(call_sync(client, get("/participant/true")).why, Why::breaker_open);

  std::this_thread::sleep_for(400ms);
  EXPECT_TRUE(call_sync(client, get("/participant/true")).allowed());  // the probe succeeds
  EXPECT_EQ(counters->breaker_state, 0);  // closed
  EXPECT_TRUE(call_sync(client, get("/participant/true")).allowed());
  EXPECT_EQ(backend_.request_count(), 6u);
}

TEST_F(CalloutGuardTest, TimeoutsAndRefusalsCountAsFailuresButDenialsDoNot) {
  CalloutOptions options;
  options.threads = 1;
  options.breaker = {2, 1h};
  CalloutClient client(backend_.url(), options);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(call_sync(client, get("/status/403")).outcome, Outcome::denied);
  EXPECT_EQ(client.counters()->breaker_state, 0);
  EXPECT_EQ(call_sync(client, get("/slow", 200ms)).why, Why::timeout);
  EXPECT_EQ(call_sync(client, get("/slow", 200ms)).why, Why::timeout);
  // The timer thread answers at the deadline; the worker counts the failure once its aborted request returned.
  EXPECT_TRUE(test::eventually([&] { return client.counters()->breaker_state == 1; }));
  backend_.release();
}

TEST(CalloutGuard, RefusedConnectionsOpenTheBreaker) {
  int port = 0;
  {
    test::TestBackend gone;  // a port that was just served and now refuses
    port = gone.port();
  }
  CalloutOptions options;
  options.threads = 1;
  options.breaker = {2, 1h};
  CalloutClient client("http://127.0.0.1:" + std::to_string(port), options);
  EXPECT_EQ(call_sync(client, get("/ok", 2s)).why, Why::unreachable);
  EXPECT_EQ(call_sync(client, get("/ok", 2s)).why, Why::unreachable);
  EXPECT_EQ(call_sync(client, get("/ok", 2s)).why, Why::breaker_open);
}

}  // namespace
}  // namespace callout_guard_test
}  // namespace gangway::backend
