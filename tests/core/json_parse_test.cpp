// parse_json must take exactly what nlohmann's parser takes and build the same value.
#include "gateway/core/json_parse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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
  expect_same_as_nlohmann(std::string(3000, '[') + std::string(3000, ']'));
  expect_same_as_nlohmann(std::string(3000, '[') + std::string(2999, ']'));
  std::string large = R"({"items":[)";
  for (int i = 0; i < 3000; ++i) large += (i ? "," : "") + std::string(R"({"id":)") + std::to_string(i) + R"(,"t":"text"})";
  large += "]}";
  ASSERT_GT(large.size(), 32u * 1024);
  expect_same_as_nlohmann(large);
  // A small document after a large one: the thread's buffers are reused.
  expect_same_as_nlohmann(R"({"after":"large"})");
}

TEST(ParseJson, TextWithoutTerminatorOrPaddingOfItsOwn) {
  // A view into a bigger buffer: only the viewed bytes are the document.
  const std::string buffer = R"({"a":1}{"b":2})";
  const Json first = parse_json(std::string_view(buffer).substr(0, 7));
  EXPECT_EQ(first, Json({{"a", 1}}));
}

}  // namespace
}  // namespace gangway
