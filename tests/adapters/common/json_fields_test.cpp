#include "adapters/common/json_fields.hpp"

#include <gtest/gtest.h>

namespace gangway::adapters {
namespace {

TEST(Clip, ShortTextIsUnchanged) {
  EXPECT_EQ(clip("abc"), "abc");
  EXPECT_EQ(clip(std::string(64, 'a')), std::string(64, 'a'));
  EXPECT_EQ(clip(""), "");
}

TEST(Clip, LongTextIsCutAndMarked) {
  EXPECT_EQ(clip(std::string(65, 'a')), std::string(61, 'a') + "...");
  EXPECT_EQ(clip("abcdefg", 6), "abc...");
}

TEST(Clip, IsIdempotent) {
  std::string once = clip(std::string(1000, 'a'));
  EXPECT_EQ(once.size(), kMaxEcho);
  EXPECT_EQ(clip(once), once);
}

TEST(Clip, NeverSplitsACharacter) {
  // Room for 2 bytes before the mark in each case.
  EXPECT_EQ(clip("a\xE2\x82\xACzz", 5), "a...");   // € is 3 bytes: dropped whole
  EXPECT_EQ(clip("ab\xE2\x82\xACz", 5), "ab...");  // cut right before it
  EXPECT_EQ(clip("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 7), "\xF0\x9F\x98\x80...");
  EXPECT_EQ(clip("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 6), "...");
}

TEST(ParseEnvelope, ReadsTheTypeUnderAnyKey) {
  auto tribe = parse_envelope(R"({"event":"ping","x":1})", "event");
  ASSERT_TRUE(tribe.ok());
  EXPECT_EQ(tribe->type, "ping");
  EXPECT_EQ(tribe->body.at("x"), 1);
  auto circles = parse_envelope(R"({"type":"message"})", "type");
  ASSERT_TRUE(circles.ok());
  EXPECT_EQ(circles->type, "message");
}

TEST(ParseEnvelope, Errors) {
  EXPECT_EQ(parse_envelope("{", "type").error().code, ErrorCode::invalid_json);
  EXPECT_EQ(parse_envelope("[]", "type").error().code, ErrorCode::invalid_json);
  auto missing = parse_envelope(R"({"event":"ping"})", "type");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::missing_field);
  EXPECT_EQ(missing.error().field, "type");
  EXPECT_EQ(missing.error().detail, "type is required");
  auto wrong = parse_envelope(R"({"type":[]})", "type");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::invalid_field);
  EXPECT_EQ(wrong.error().detail, "type must be a string");
}

TEST(UnknownType, NamesTheKeyAndClips) {
  DialectError e = unknown_type("type", "join_room");
  EXPECT_EQ(e.code, ErrorCode::unknown_type);
  EXPECT_EQ(e.detail, "unknown type 'join_room'");
  EXPECT_EQ(e.field, "type");
  EXPECT_EQ(e.request_event, "join_room");
  EXPECT_EQ(unknown_type("event", std::string(200, 'q')).request_event, std::string(61, 'q') + "...");
}

class FieldsTest : public ::testing::Test {
 protected:
  Json obj = Json::parse(R"({"s":"text","b":false,"n":7,"neg":-3,"big":18446744073709551615,"f":1.5,
                            "o":{"k":"v"},"nul":null,"bad":"a.b"})");
  Fields f{obj, "my_event"};
};

TEST_F(FieldsTest, String) {
  EXPECT_EQ(*f.string("s"), "text");
  EXPECT_EQ(f.string("missing").error().code, ErrorCode::missing_field);
  EXPECT_EQ(f.string("n").error().code, ErrorCode::invalid_field);
  EXPECT_EQ(f.string("n").error().request_event, "my_event");
  EXPECT_EQ(f.string("n").error().field, "n");
}

TEST_F(FieldsTest, OptionalString) {
  EXPECT_EQ(*f.optional_string("s"), std::optional<std::string>("text"));
  EXPECT_EQ(*f.optional_string("missing"), std::nullopt);
  EXPECT_EQ(f.optional_string("nul").error().code, ErrorCode::invalid_field);
}

TEST_F(FieldsTest, Boolean) {
  EXPECT_EQ(*f.boolean("b"), false);
  EXPECT_EQ(f.boolean("missing").error().code, ErrorCode::missing_field);
  EXPECT_EQ(f.boolean("s").error().detail, "s must be true or false");
}

TEST_F(FieldsTest, Id) {
  EXPECT_EQ(*f.id("s"), "text");
  EXPECT_EQ(*f.id("n"), "7");
  EXPECT_EQ(*f.id("neg"), "-3");
  EXPECT_EQ(*f.id("big"), "18446744073709551615");
  EXPECT_EQ(f.id("missing").error().code, ErrorCode::missing_field);
  EXPECT_EQ(f.id("f").error().code, ErrorCode::invalid_field);
  EXPECT_EQ(f.id("o").error().code, ErrorCode::invalid_field);
  EXPECT_EQ(f.id("nul").error().code, ErrorCode::invalid_field);
  auto bad = f.id("bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_id);
  EXPECT_EQ(bad.error().detail, "bad must be a string of [A-Za-z0-9_-], at most 128 characters");
  EXPECT_EQ(bad.error().request_event, "my_event");
}

TEST_F(FieldsTest, OneOf) {
  EXPECT_EQ(*f.one_of("s", {"other", "text"}), "text");
  auto no = f.one_of("s", {"x", "y"});
  ASSERT_FALSE(no.ok());
  EXPECT_EQ(no.error().code, ErrorCode::invalid_field);
  EXPECT_EQ(no.error().detail, R"(s must be one of "x", "y")");
  EXPECT_EQ(f.one_of("missing", {"x"}).error().code, ErrorCode::missing_field);
  EXPECT_EQ(f.one_of("n", {"x"}).error().detail, R"(n must be one of "x")");
}

TEST_F(FieldsTest, Object) {
  auto o = f.object("o");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ((*o)->at("k"), "v");
  EXPECT_EQ(f.object("missing").error().code, ErrorCode::missing_field);
  EXPECT_EQ(f.object("s").error().detail, "s must be an object");
  // Nested objects get their own Fields, keeping the frame's request_event.
  Fields inner(**o, f.request_event());
  EXPECT_EQ(inner.string("nope").error().request_event, "my_event");
}

TEST(Fields, NonObjectHasNoFields) {
  Json arr = Json::array();
  EXPECT_EQ(Fields(arr, "").string("x").error().code, ErrorCode::missing_field);
}

TEST(Fields, RequestEventIsClipped) {
  Json obj = Json::object();
  EXPECT_EQ(Fields(obj, std::string(100, 'e')).request_event(), std::string(61, 'e') + "...");
}

}  // namespace
}  // namespace gangway::adapters
