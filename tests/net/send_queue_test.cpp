// A socket's send queue sheds events it is too far behind on, never other
// frames, and overflows past its bytes.
#include "gateway/net/send_queue.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace gangway::net {
namespace {

using namespace std::chrono_literals;
using Offer = SendQueue::Offer;

const FrameBytes::Time t0 = std::chrono::steady_clock::now();

Frame event(const std::string& text, std::chrono::milliseconds at) { return make_frame(text, t0 + at); }

std::string texts(std::span<const Frame> frames) {
  std::string out;
  for (const auto& f : frames) out += (out.empty() ? "" : ",") + f->text();
  return out;
}

constexpr std::size_t kBig = 1 << 20;

TEST(SendQueueTest, AnEventMoreThanMaxDelayAfterTheOldestWaitingOneIsShed) {
  SendQueue q;
  EXPECT_EQ(q.offer(event("a", 0ms), kBig, 500ms), Offer::queued);
  EXPECT_EQ(q.offer(event("b", 500ms), kBig, 500ms), Offer::queued) << "exactly max_delay behind is still in time";
  EXPECT_EQ(q.offer(event("c", 501ms), kBig, 500ms), Offer::shed);
  EXPECT_EQ(texts(q.waiting()), "a,b");
  EXPECT_EQ(q.bytes(), 2u);
}

TEST(SendQueueTest, FramesThatAreNotEventsAreNeverShed) {
  SendQueue q;
  ASSERT_EQ(q.offer(event("old", 0ms), kBig, 500ms), Offer::queued);
  EXPECT_EQ(q.offer(make_frame("reply"), kBig, 500ms), Offer::queued);
  EXPECT_EQ(q.drop_events_before(t0 + 10s), 1u);
  EXPECT_EQ(texts(q.waiting()), "reply");
}

TEST(SendQueueTest, EventsInFlightDoNotCountAsBehind) {
  SendQueue q;
  ASSERT_EQ(q.offer(event("a", 0ms), kBig, 500ms), Offer::queued);
  q.start_write(1);
  // Only what waits behind the write in flight says how far behind the socket is.
  EXPECT_EQ(q.offer(event("b", 900ms), kBig, 500ms), Offer::queued);
  EXPECT_EQ(q.offer(event("c", 1000ms), kBig, 500ms), Offer::queued);
  EXPECT_EQ(texts(q.waiting()), "b,c");
}

TEST(SendQueueTest, DropsTheWaitingEventsReceivedBeforeAGivenTimeAndKeepsTheOrder) {
  SendQueue q;
  ASSERT_EQ(q.offer(event("in flight", 0ms), kBig, 10s), Offer::queued);
  q.start_write(1);
  ASSERT_EQ(q.offer(event("a", 100ms), kBig, 10s), Offer::queued);
  ASSERT_EQ(q.offer(event("b", 200ms), kBig, 10s), Offer::queued);
  ASSERT_EQ(q.offer(event("c", 300ms), kBig, 10s), Offer::queued);
  ASSERT_EQ(q.offer(make_frame("reply"), kBig, 10s), Offer::queued);
  ASSERT_EQ(q.offer(event("d", 400ms), kBig, 10s), Offer::queued);
  std::size_t before = q.bytes();
  EXPECT_EQ(q.drop_events_before(t0 + 250ms), 2u);
  EXPECT_EQ(texts(q.waiting()), "c,reply,d");
  EXPECT_EQ(q.bytes(), before - 2);
  EXPECT_EQ(q.in_flight(), 1u) << "the write in flight is not touched";
  EXPECT_EQ(q.drop_events_before(t0 + 250ms), 0u);
}

TEST(SendQueueTest, PastMaxBytesNothingIsQueued) {
  SendQueue q;
  EXPECT_EQ(q.offer(make_frame(std::string(60, 'x')), 100, 500ms), Offer::queued);
  EXPECT_EQ(q.offer(make_frame(std::string(41, 'y')), 100, 500ms), Offer::overflow);
  EXPECT_EQ(q.offer(event(std::string(40, 'z'), 0ms), 100, 500ms), Offer::queued);
  EXPECT_EQ(q.bytes(), 100u);
  EXPECT_EQ(q.waiting_count(), 2u);
}

TEST(SendQueueTest, FinishedWritesReleaseTheirFramesAndBytes) {
  SendQueue q;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(q.offer(make_frame("f" + std::to_string(i)), kBig, 500ms), Offer::queued);
  q.start_write(3);
  EXPECT_EQ(q.finish_write(), 6u);
  EXPECT_EQ(texts(q.waiting()), "f3,f4");
  EXPECT_EQ(q.bytes(), 4u);
  q.start_write(2);
  EXPECT_EQ(q.finish_write(), 4u);
  EXPECT_EQ(q.waiting_count(), 0u);
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(SendQueueTest, ACloseDropsWhatWaitsButNotTheWriteInFlight) {
  SendQueue q;
  for (const char* t : {"a", "b", "c"}) ASSERT_EQ(q.offer(make_frame(t), kBig, 500ms), Offer::queued);
  q.start_write(1);
  q.drop_waiting();
  EXPECT_EQ(q.waiting_count(), 0u);
  EXPECT_EQ(q.in_flight(), 1u);
  EXPECT_EQ(q.bytes(), 1u);
}

TEST(SendQueueTest, TakeAllEmptiesTheQueue) {
  SendQueue q;
  for (const char* t : {"a", "b"}) ASSERT_EQ(q.offer(event(t, 0ms), kBig, 500ms), Offer::queued);
  auto all = q.take_all();
  EXPECT_EQ(texts(all), "a,b");
  EXPECT_EQ(q.waiting_count(), 0u);
  EXPECT_EQ(q.bytes(), 0u);
}

}  // namespace
}  // namespace gangway::net
