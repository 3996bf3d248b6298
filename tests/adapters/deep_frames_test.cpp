// Every dialect refuses a client frame nested past max_json_depth with its
// invalid-JSON error, before anything walks the document (a 40 KB frame of
// 20,000 arrays once overflowed a loop's stack), and renders events whose
// data is as deep as the bound allows.
#include <gtest/gtest.h>
#include <pthread.h>

#include <functional>

#include "adapters/registry.hpp"
#include "gateway/core/json_parse.hpp"
#include "tests/support/deep_json.hpp"

namespace gangway {
namespace {

SessionInfo session() {
  SessionInfo s;
  s.app = "app";
  s.conn_id = "c-1";
  s.user.id = "u-1";
  s.params = {{"thread_id", "2"}, {"user_id", "u-1"}, {"place_id", "p-1"}};
  return s;
}

TEST(DeepFrames, EveryDialectAnswersInvalidJsonAndSaysWhy) {
  for (std::string_view name : dialect_names()) {
    const auto made = make_adapter(name);
    const Adapter& adapter = *made;
    for (std::size_t levels : test::kDeepLevels) {
      for (const std::string& frame : {test::nested_arrays(levels), test::nested_objects(levels)}) {
        auto decoded = adapter.decode(frame, session());
        ASSERT_FALSE(decoded.ok()) << name << " " << levels;
        EXPECT_EQ(decoded.error().code, ErrorCode::invalid_json) << name;
        EXPECT_NE(decoded.error().detail.find("nests deeper than"), std::string::npos) << decoded.error().detail;
        adapter.encode_error(decoded.error());  // renders (or stays silent) without walking the frame
      }
    }
  }
}

TEST(DeepFrames, EventsAsDeepAsTheBoundAreRendered) {
  const std::string data = test::nested_arrays(max_json_depth() - 2);
  for (std::string_view name : dialect_names()) {
    const auto adapter = make_adapter(name);
    auto event = parse_event(R"({"event":"notification","data":{"payload":)" + data + "}}");
    ASSERT_TRUE(event) << name;
    adapter->encode(*event, {"user", "u-1"});  // whatever the dialect shows, it does not crash
    auto raw = parse_event(R"({"frame":{"payload":)" + data + "}}");
    ASSERT_TRUE(raw);
    auto frame = adapter->encode(*raw, {"user", "u-1"});
    ASSERT_TRUE(frame) << name;
    EXPECT_EQ(json_depth(*frame, 1000), max_json_depth() - 1) << name;
  }
}

// A frame as deep as the bound allows is accepted, and so is the event it fans
// out on every gateway, though winkr nests the frame's metadata one level
// deeper there (found by tests/fuzz: such a message was stored, then dropped
// by every gateway as too deep, the sender included).
TEST(DeepFrames, WhatAFrameAsDeepAsTheBoundFansOutIsReadByEveryGateway) {
  const std::string frame = R"({"event":"message:send","data":{"conversation_id":"c-1","content":"hi","metadata":)" +
                            test::nested_objects(max_json_depth() - 2) + "}}";
  ASSERT_EQ(json_depth(frame, 1000), max_json_depth());
  auto decoded = make_adapter("winkr")->decode(frame, session());
  ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
  ASSERT_TRUE(decoded->fanout);
  const std::string published = serialize_event(*decoded->fanout);
  EXPECT_EQ(json_depth(published, 1000), max_json_depth() + 1);
  EXPECT_TRUE(parse_event(published));
}

// Runs `fn` on a thread whose stack is `bytes` (a loop thread has 8 MiB).
void on_small_stack(std::size_t bytes, std::function<void()> fn) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, bytes);
  pthread_t thread;
  auto run = [](void* f) -> void* {
    (*static_cast<std::function<void()>*>(f))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, run, &fn), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

// The bound is what makes the recursive walks safe: at the most a config may
// set (1,000 levels), parsing, copying and rendering an event for every
// dialect fits in a quarter of a loop's stack.
TEST(DeepFrames, TheDeepestConfigurableDocumentFitsInAQuarterOfALoopsStack) {
  const std::size_t before = max_json_depth();
  set_max_json_depth(1000);
  on_small_stack(2 << 20, [] {
    const std::string data = test::nested_arrays(998);
    for (std::string_view name : dialect_names()) {
      const auto adapter = make_adapter(name);
      auto event = parse_event(R"({"event":"notification","data":{"payload":)" + data + "}}");
      auto raw = parse_event(R"({"frame":{"payload":)" + data + "}}");
      if (!event || !raw) return ADD_FAILURE() << "not parsed";
      Event copy = *event;
      adapter->encode(copy, {"user", "u-1"});
      EXPECT_TRUE(adapter->encode(*raw, {"user", "u-1"})) << name;
    }
  });
  set_max_json_depth(before);
}

}  // namespace
}  // namespace gangway
