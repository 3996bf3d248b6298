// Frames compressed for permessage-deflate: what a client's inflater gets
// back, when compressing is skipped, and that racing loops share one result.
#include "gateway/fanout/frame.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "tests/support/raw_ws_client.hpp"

namespace gangway {
namespace {

std::string chat_event(int i) {
  std::string text = R"({"event":"message.new","conversation_id":"c-general","message":{"id":")" +
                     std::to_string(i) + R"(","content":")";
  for (int w = 0; w < 40; ++w) text += "the quick brown fox jumps over the lazy dog ";
  return text + R"("}})";
}

TEST(FrameTest, ACompressedMessageInflatesToItsText) {
  for (int level : {1, 6, 9}) {
    for (int i = 0; i < 3; ++i) {  // the same thread's stream, reset between messages
      auto text = chat_event(i);
      auto payload = deflate_message(text, level);
      EXPECT_LT(payload.size(), text.size() / 4) << "level " << level;
      EXPECT_EQ(test::inflate_payload(payload), text) << "level " << level;
    }
  }
}

TEST(FrameTest, EachMessageInflatesOnItsOwn) {
  // No context takeover: a receiver that saw none of the earlier messages
  // (a fresh inflater per message above) still reads this one.
  auto first = deflate_message(chat_event(1), 6);
  auto second = deflate_message(chat_event(1), 6);
  EXPECT_EQ(first, second) << "a message must not depend on the one compressed before it";
}

TEST(FrameTest, TextThatDoesNotShrinkIsSentAsItIs) {
  FrameBytes tiny(R"({"e":1})");
  EXPECT_EQ(tiny.deflated(6), nullptr);
  FrameBytes noise(std::string("\x01\x7f\x33\x5a\x10\x44\x6e\x21\x0b\x59\x62\x15\x48\x2c\x77\x3d", 16));
  EXPECT_EQ(noise.deflated(6), nullptr);
  EXPECT_EQ(tiny.deflated(6), nullptr) << "asked again: still not compressed";
}

TEST(FrameTest, LoopsThatRaceShareOneCompressedCopy) {
  FrameBytes frame(chat_event(7));
  std::vector<const std::string*> seen(8);
  std::vector<std::thread> loops;
  for (std::size_t i = 0; i < seen.size(); ++i) loops.emplace_back([&, i] { seen[i] = frame.deflated(6); });
  for (auto& t : loops) t.join();
  std::set<const std::string*> distinct(seen.begin(), seen.end());
  ASSERT_EQ(distinct.size(), 1u);
  ASSERT_NE(seen[0], nullptr);
  EXPECT_EQ(test::inflate_payload(*seen[0]), frame.text());
  EXPECT_EQ(frame.deflated(6), seen[0]);
}

// gangway_publish_to_write_seconds observes an event once per loop, not once per socket.
TEST(FrameTest, OnlyTheFirstWriteOnEachLoopIsObserved) {
  FrameBytes event("{}", FrameBytes::Clock::now());
  EXPECT_TRUE(event.first_written_on(0));
  EXPECT_FALSE(event.first_written_on(0)) << "the loop's second socket";
  EXPECT_TRUE(event.first_written_on(3));
  EXPECT_FALSE(event.first_written_on(3));
  EXPECT_TRUE(event.first_written_on(63));
  // A reply or greeting has no arrival time: never observed.
  FrameBytes reply("{}");
  EXPECT_FALSE(reply.first_written_on(0));
  EXPECT_EQ(make_frame("x")->arrived(), FrameBytes::Clock::time_point{});
}

}  // namespace
}  // namespace gangway
