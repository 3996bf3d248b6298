// parse_json must take exactly what nlohmann's parser takes and build the same value.
#include "gateway/core/json_parse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/deep_json.hpp"

namespace gangway {
namespace {

void expect_same_as_nlohmann(const std::string& text) {
  SCOPED_TRACE(text.size() > 200 ? text.substr(0, 200) + "…" : text);
  const Json ours = parse_json(text);
  const Json theirs = Json::parse(text, nullptr, false);
  ASSERT_EQ(ours.is_discarded(), theirs.is_discarded());
  if (theirs.is_discarded()) return;
  // One known difference: nlohmann keeps "-0" a signed integer, parse_json an
  // unsigned one (simdjson's tape has no sign for 0); same value, same output.
  if (text != "-0" && text != "[-0]") EXPECT_EQ(ours.type(), theirs.type());
  EXPECT_EQ(ours, theirs);
  EXPECT_EQ(ours.dump(), theirs.dump());
}

TEST(ParseJson, EventsAndFramesAsNlohmannReadsThem) {
  for (const std::string text : {
           R"({"event":"message.new","data":{"id":"12","content":"hi","sent_ns":1764979200123456789}})",
           R"({"frame":{"type":"x","list":[1,2,{"a":[]}],"nested":{"b":{}}},"exclude":{"user":"u1","conn":7}})",
           R"(  { "spaced" : [ true , false , null ] }  )",
           R"({"b":1,"a":2,"a":3})",  // duplicate: the last one wins
           R"("just a string")", "true", "null", "[]", "{}", "0",
       }) {
    expect_same_as_nlohmann(text);
  }
}

TEST(ParseJson, NumbersKeepNlohmannsTypes) {
  for (const std::string text : {
           "0", "-0", "7", "-7", "1.5", "-1.25e-3", "1e5", "1E+2", "0.1", "2.5e-308",
           "9223372036854775807", "9223372036854775808", "18446744073709551615",
           "18446744073709551616", "-9223372036854775808", "-9223372036854775809",
           "123456789012345678901234567890", "1e400", "-1e400",
           "01", "1.", ".5", "+1", "NaN", "Infinity", "-", "1e", "0x10",
       }) {
    expect_same_as_nlohmann("[" + text + "]");
    expect_same_as_nlohmann(text);
  }
}

TEST(ParseJson, StringsAndTheirEscapes) {
  for (const std::string text : {
           R"(["caf\u00e9", "\ud83d\ude00", "a\u0000b", "\/\\\"\b\f\n\r\t"])",
           "[\"caf\xc3\xa9 \xf0\x9f\x98\x80\"]",  // raw UTF-8
           R"(["\ud800"])", R"(["\udc00x"])", R"(["\ud83dx"])",  // lone surrogates
           "[\"\xff\"]", "[\"\xc0\xaf\"]", "[\"\xed\xa0\x80\"]", "[\"\xf4\x90\x80\x80\"]",  // invalid UTF-8
           "[\"tab\there\"]", "[\"\x01\"]",  // raw control characters
           R"(["\x"])", R"(["\u12"])", R"(["unterminated)",
       }) {
    expect_same_as_nlohmann(text);
  }
}

TEST(ParseJson, NotOneJsonValue) {
  for (const std::string text : {
           "", "   ", "{} x", "{}{}", "[1,]", "{\"a\":1,}", "{a:1}", "// c\n{}", "{\"a\" 1}",
           "\xef\xbb\xbf{\"bom\":1}", "nul", "[", "}",
       }) {
    expect_same_as_nlohmann(text);
  }
}

TEST(ParseJson, DeepAndLargeDocuments) {
  const std::size_t deepest = max_json_depth();
  expect_same_as_nlohmann(test::nested_arrays(deepest));
  expect_same_as_nlohmann(std::string(deepest, '[') + std::string(deepest - 1, ']'));
  std::string large = R"({"items":[)";
  for (int i = 0; i < 3000; ++i) large += (i ? "," : "") + std::string(R"({"id":)") + std::to_string(i) + R"(,"t":"text"})";
  large += "]}";
  ASSERT_GT(large.size(), 32u * 1024);
  expect_same_as_nlohmann(large);
  // A small document after a large one: the thread's buffers are reused.
  expect_same_as_nlohmann(R"({"after":"large"})");
}

// Both paths (simdjson for short texts, nlohmann past 16 KiB) draw the line
// at the same depth, for arrays and objects.
TEST(ParseJson, NestingIsBoundedAtTheSameDepthOnBothPaths) {
  const std::size_t deepest = max_json_depth();
  const std::string long_string = "\"" + std::string(20 * 1024, 'x') + "\"";
  for (bool long_text : {false, true}) {
    SCOPED_TRACE(long_text ? "nlohmann" : "simdjson");
    const std::string inner = long_text ? long_string : "1";
    JsonRefusal why = JsonRefusal::malformed;
    EXPECT_FALSE(parse_json(test::nested_arrays(deepest, inner), &why).is_discarded());
    EXPECT_EQ(why, JsonRefusal::none);
    EXPECT_TRUE(parse_json(test::nested_arrays(deepest + 1, inner), &why).is_discarded());
    EXPECT_EQ(why, JsonRefusal::too_deep);
    const std::string objects = R"({"pad":)" + inner + "," + R"("a":)" + test::nested_objects(deepest - 1) + "}";
    EXPECT_FALSE(parse_json(objects, &why).is_discarded());
    const std::string deeper = R"({"pad":)" + inner + "," + R"("a":)" + test::nested_objects(deepest) + "}";
    EXPECT_TRUE(parse_json(deeper, &why).is_discarded());
    EXPECT_EQ(why, JsonRefusal::too_deep);
  }
  JsonRefusal why = JsonRefusal::none;
  EXPECT_TRUE(parse_json("{\"a\":", &why).is_discarded());
  EXPECT_EQ(why, JsonRefusal::malformed);
}

// The crash this bound fixes: ~18,000 levels overflowed a loop's 8 MiB stack.
TEST(ParseJson, TwentyThousandAndAMillionLevelsAreRefusedWithoutRecursion) {
  for (std::size_t levels : test::kDeepLevels) {
    for (const std::string& text : {test::nested_arrays(levels), test::nested_objects(levels)}) {
      JsonRefusal why = JsonRefusal::none;
      EXPECT_TRUE(parse_json(text, &why).is_discarded()) << levels;
      EXPECT_EQ(why, JsonRefusal::too_deep) << levels;
    }
  }
}

TEST(ParseJson, TheBoundIsSetAtStartup) {
  const std::size_t before = max_json_depth();
  set_max_json_depth(3);
  EXPECT_FALSE(parse_json("[[[1]]]").is_discarded());
  EXPECT_TRUE(parse_json("[[[[1]]]]").is_discarded());
  set_max_json_depth(0);  // at least 1
  EXPECT_EQ(max_json_depth(), 1u);
  set_max_json_depth(before);
  EXPECT_FALSE(parse_json(test::nested_arrays(before)).is_discarded());
}

TEST(JsonDepth, CountsOpenContainersOutsideStrings) {
  EXPECT_EQ(json_depth("1", 10), 0u);
  EXPECT_EQ(json_depth("[]", 10), 1u);
  EXPECT_EQ(json_depth(R"({"a":[{"b":[]}],"c":{}})", 10), 4u);
  EXPECT_EQ(json_depth(R"(["[[[[", "\"[[[", {"k]":"}}"}])", 10), 2u);
  EXPECT_EQ(json_depth(R"(["\\", [[]]])", 10), 3u);  // an escaped backslash ends the escape
  EXPECT_EQ(json_depth(test::nested_arrays(1'000'000), 50), 51u);  // stops once past the limit
  EXPECT_EQ(json_depth("]]]][", 10), 1u);  // malformed: still bounded
}

// A gw.out body nested too deeply is not an event (dropped and counted by the fan-out).
TEST(ParseEvent, DeeplyNestedEventsAreNotEvents) {
  for (std::size_t levels : test::kDeepLevels) {
    EXPECT_FALSE(parse_event(R"({"event":"message.new","data":)" + test::nested_arrays(levels) + "}")) << levels;
    EXPECT_FALSE(parse_event(R"({"frame":)" + test::nested_objects(levels) + "}")) << levels;
  }
  EXPECT_TRUE(parse_event(R"({"event":"message.new","data":)" + test::nested_arrays(max_json_depth() - 1) + "}"));
}

// An event's envelope is one level the gateway adds itself: a stored message
// as deep as the bound allows, published as an event's data, still reaches
// every gateway (it was dropped everywhere while events had the frames' bound).
TEST(ParseEvent, TheEnvelopeAroundDataAsDeepAsTheBoundIsRead) {
  const std::string stored = R"({"id":"m1","meta":)" + test::nested_objects(max_json_depth() - 1) + "}";
  ASSERT_FALSE(parse_json(stored).is_discarded());
  auto event = parse_event(serialize_event(Event{"message.new", parse_json(stored), {}, std::nullopt}));
  ASSERT_TRUE(event);
  EXPECT_EQ(event->data, parse_json(stored));
  EXPECT_TRUE(parse_event(R"({"frame":)" + test::nested_objects(max_json_depth()) + "}"));
  EXPECT_FALSE(parse_event(R"({"frame":)" + test::nested_objects(max_json_depth() + 1) + "}"));
  EXPECT_FALSE(parse_event(R"({"event":"x","data":{"a":)" + test::nested_arrays(max_json_depth()) + "}}"));
}

TEST(ParseJson, TextWithoutTerminatorOrPaddingOfItsOwn) {
  // A view into a bigger buffer: only the viewed bytes are the document.
  const std::string buffer = R"({"a":1}{"b":2})";
  const Json first = parse_json(std::string_view(buffer).substr(0, 7));
  EXPECT_EQ(first, Json({{"a", 1}}));
}

}  // namespace
}  // namespace gangway
