#include "gateway/bus/dispatcher.hpp"

#include <gtest/gtest.h>

#include "tests/bus/bus_test_util.hpp"

namespace gangway::bus {
namespace {

using namespace std::chrono_literals;
using test::Collector;
using test::Replies;
using test::into;

TEST(Dispatcher, RunsJobsInOrderOnItsThread) {
  Dispatcher d;
  auto seen = std::make_shared<Collector<int>>();
  auto on_thread = std::make_shared<Collector<bool>>();
  for (int i = 0; i < 100; ++i) {
    d.post([seen, on_thread, i, &d] {
      seen->push(i);
      on_thread->push(d.on_dispatcher_thread());
    });
  }
  ASSERT_TRUE(seen->wait_for(100));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen->items()[i], i);
  for (bool b : on_thread->items()) EXPECT_TRUE(b);
  EXPECT_FALSE(d.on_dispatcher_thread());
}

TEST(Dispatcher, CompletesOnceWithReplyOrTimeout) {
  Dispatcher d;
  auto answered = std::make_shared<Replies>();
  auto token = d.expect_reply(10s, into(answered));
  EXPECT_EQ(d.pending(), 1u);
  EXPECT_TRUE(d.complete(token, BusError::ok, "pong"));
  EXPECT_FALSE(d.complete(token, BusError::ok, "again"));
  ASSERT_EQ(answered->size(), 1u);
  EXPECT_EQ(answered->items()[0], std::make_pair(BusError::ok, std::string("pong")));

  auto timed_out = std::make_shared<Replies>();
  token = d.expect_reply(20ms, into(timed_out));
  ASSERT_TRUE(timed_out->wait_for(1));
  EXPECT_EQ(timed_out->items()[0].first, BusError::timeout);
  EXPECT_FALSE(d.complete(token, BusError::ok, "late"));
  EXPECT_EQ(d.pending(), 0u);
}

TEST(Dispatcher, CompleteLaterRunsOnTheDispatcherThread) {
  Dispatcher d;
  auto where = std::make_shared<Collector<bool>>();
  auto token = d.expect_reply(10s, [where, &d](BusError e, std::string&&) {
    EXPECT_EQ(e, BusError::not_connected);
    where->push(d.on_dispatcher_thread());
  });
  d.complete_later(token, BusError::not_connected);
  ASSERT_TRUE(where->wait_for(1));
  EXPECT_TRUE(where->items()[0]);
}

TEST(Dispatcher, FailAllSparesLaterRequests) {
  Dispatcher d;
  auto early = std::make_shared<Replies>();
  auto late = std::make_shared<Replies>();
  d.expect_reply(10s, into(early));
  d.expect_reply(10s, into(early));
  d.fail_all(BusError::not_connected);
  auto token = d.expect_reply(10s, into(late));
  ASSERT_TRUE(early->wait_for(2));
  for (auto& [e, body] : early->items()) EXPECT_EQ(e, BusError::not_connected);
  // fail_all is processed in order, so a job posted after it runs after it.
  auto barrier = std::make_shared<Collector<int>>();
  d.post([barrier] { barrier->push(1); });
  ASSERT_TRUE(barrier->wait_for(1));
  EXPECT_EQ(late->size(), 0u);
  EXPECT_TRUE(d.complete(token, BusError::ok, "x"));
}

TEST(Dispatcher, StopFailsWhatIsPendingExactlyOnce) {
  auto r = std::make_shared<Replies>();
  {
    Dispatcher d;
    d.expect_reply(10s, into(r));
    d.stop(BusError::not_connected);
    EXPECT_EQ(r->size(), 1u);
    // After stop nothing can be waited for: a new request fails at once.
    d.expect_reply(10s, into(r));
    EXPECT_EQ(r->size(), 2u);
    d.post([r] { r->push({BusError::ok, "never"}); });
  }
  ASSERT_EQ(r->size(), 2u);
  for (auto& [e, body] : r->items()) EXPECT_EQ(e, BusError::not_connected);
}

TEST(Dispatcher, CanBeStoppedFromItsOwnJob) {
  auto d = std::make_shared<Dispatcher>();
  auto done = std::make_shared<Collector<int>>();
  d->post([d, done]() mutable {
    d->stop();
    done->push(1);
  });
  ASSERT_TRUE(done->wait_for(1));
  d.reset();
}

}  // namespace
}  // namespace gangway::bus
