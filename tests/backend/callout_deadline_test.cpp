// A callout's timeout bounds its whole wait, queue and request included,
// against backends that hold requests: a handler that waits past the
// deadline, one that trickles bytes, and a real process frozen with SIGSTOP.
#include <signal.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gateway/backend/callout_client.hpp"
#include "tests/backend/callout_support.hpp"
#include "tests/support/test_backend.hpp"
#include "tests/support/process.hpp"

namespace gangway::backend {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Outcome = CalloutResult::Outcome;
using Why = CalloutResult::Why;

// Generous: the machine is shared. What is asserted is that no call waits for
// the backend or for a worker past its deadline, not how punctual the timer is.
constexpr auto kSlack = 2s;

CalloutOptions without_breaker(unsigned threads) {
  CalloutOptions o;
  o.threads = threads;
  o.breaker.failures = 0;  // these tests are about deadlines alone
  return o;
}

CalloutSpec get(std::string path, std::chrono::milliseconds timeout) {
  CalloutSpec s;
  s.path = std::move(path);
  s.timeout = timeout;
  return s;
}

// Makes `n` calls at once; each must complete unavailable (timeout) within
// its own deadline plus kSlack.
void expect_all_time_out(CalloutClient& client, const CalloutSpec& spec, std::size_t n) {
  test::Results results;
  std::vector<Clock::time_point> started(n);
  for (std::size_t i = 0; i < n; ++i) {
    started[i] = Clock::now();
    client.call(spec, {}, results.slot(i));
  }
  ASSERT_TRUE(results.wait(n, spec.timeout + kSlack + 10s)) << results.completions() << " of " << n;
  for (std::size_t i = 0; i < n; ++i) {
    auto r = results.at(i);
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->outcome, Outcome::unavailable) << i;
    EXPECT_EQ(r->why, Why::timeout) << i;
    auto elapsed = *results.completed_at(i) - started[i];
    EXPECT_LE(elapsed, spec.timeout + kSlack) << "call " << i << " took "
                                              << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                                              << " ms";
  }
  EXPECT_EQ(results.extra_completions(), 0u);
}

TEST(CalloutDeadline, HandlerHoldingRequestsFailsEveryCallByItsDeadline) {
  test::TestBackend backend;
  CalloutClient client(backend.url(), without_breaker(4));
  expect_all_time_out(client, get("/slow", 500ms), 200);
  auto counters = client.counters();
  EXPECT_EQ(counters->expired_in_queue + counters->expired_in_flight, 200u);
  EXPECT_GE(counters->expired_in_flight, 1u);  // the ones the workers had sent were aborted
  EXPECT_EQ(counters->queued, 0);
  // The workers were freed at the deadlines, while the backend still holds those requests.
  EXPECT_TRUE(test::call_sync(client, get("/participant/true", 5s)).allowed());
}

TEST(CalloutDeadline, QueuedCallsExpireWithoutBeingSent) {
  test::TestBackend backend;
  CalloutClient client(backend.url(), without_breaker(1));
  test::Results held;
  client.call(get("/slow", 20s), {}, held.slot(0));
  ASSERT_TRUE(backend.wait_for_requests(1));  // the only worker is busy
  expect_all_time_out(client, get("/ok", 300ms), 50);
  EXPECT_EQ(client.counters()->expired_in_queue, 50u);
  EXPECT_EQ(backend.request_count(), 1u);
  backend.release();
  ASSERT_TRUE(held.wait(1));
  EXPECT_TRUE(held.at(0)->allowed());
}

TEST(CalloutDeadline, TricklingBackendDoesNotHoldAWorkerPastTheDeadline) {
  test::TestBackend backend;  // /trickle keeps every read under its timeout for 30 s
  CalloutClient client(backend.url(), without_breaker(1));
  expect_all_time_out(client, get("/trickle", 500ms), 1);
  EXPECT_EQ(client.counters()->expired_in_flight, 1u);
  // The only worker is free again (call_sync gives up after 10 s, the trickle lasts 30).
  EXPECT_TRUE(test::call_sync(client, get("/participant/true", 5s)).allowed());
}

// The measurement of issue 22: a backend process frozen with SIGSTOP (the
// kernel still accepts its connections), 200 calls.
TEST(CalloutDeadline, FrozenProcessFailsEveryCallByItsDeadline) {
  const std::string python = "/usr/bin/python3";
  if (!std::filesystem::exists(python)) GTEST_SKIP() << "needs " << python << " for a backend process";
  test::TempDir dir;
  int port = test::free_port();
  test::ChildProcess server({python, "-m", "http.server", std::to_string(port), "--bind", "127.0.0.1",
                             "--directory", dir.path()});
  ASSERT_TRUE(test::wait_for_port(port));
  CalloutClient client("http://127.0.0.1:" + std::to_string(port), without_breaker(4));
  ASSERT_TRUE(test::call_sync(client, get("/", 5s)).allowed());  // it answers while running

  ASSERT_EQ(::kill(server.pid(), SIGSTOP), 0);
  expect_all_time_out(client, get("/", 500ms), 200);
  ASSERT_EQ(::kill(server.pid(), SIGCONT), 0);

  EXPECT_TRUE(test::call_sync(client, get("/", 5s)).allowed());  // and again once thawed
}

}  // namespace
}  // namespace gangway::backend
