// Every bad client frame gets a clear circles error frame and never throws;
// the error frame itself is the shape documented in circles_adapter.hpp.
#include <gtest/gtest.h>

#include "tests/adapters/circles/circles_support.hpp"

namespace gangway::adapters::circles_test {
namespace {

struct BadCase {
  std::string name;
  std::string frame;
  ErrorCode code;
  std::string field;
  std::string detail;
};

const std::string kNotObject = "frame must be a JSON object";

std::vector<BadCase> envelope_cases() {
  return {
      {"empty", "", ErrorCode::invalid_json, "", kNotObject},
      {"garbage", "not json", ErrorCode::invalid_json, "", kNotObject},
      {"truncated", R"({"type":"ping")", ErrorCode::invalid_json, "", kNotObject},
      {"trailing", R"({"type":"ping"} x)", ErrorCode::invalid_json, "", kNotObject},
      {"array", R"([{"type":"ping"}])", ErrorCode::invalid_json, "", kNotObject},
      {"string", R"("ping")", ErrorCode::invalid_json, "", kNotObject},
      {"null", "null", ErrorCode::invalid_json, "", kNotObject},
      {"invalid utf-8", "{\"type\":\"p\xffing\"}", ErrorCode::invalid_json, "", kNotObject},
      {"no type", R"({"text":"hi"})", ErrorCode::missing_field, "type", "type is required"},
      {"type number", R"({"type":1})", ErrorCode::invalid_field, "type", "type must be a string"},
      {"type null", R"({"type":null})", ErrorCode::invalid_field, "type", "type must be a string"},
      {"unknown", R"({"type":"launch"})", ErrorCode::unknown_type, "type", "unknown type 'launch'"},
      {"case matters", R"({"type":"PING"})", ErrorCode::unknown_type, "type", "unknown type 'PING'"},
      {"server frame", R"({"type":"pong"})", ErrorCode::unknown_type, "type", "unknown type 'pong'"},
      {"event key", R"({"event":"ping"})", ErrorCode::missing_field, "type", "type is required"},
  };
}

std::vector<BadCase> dm_cases() {
  const std::string too_long_text(kMaxTextBytes + 1, 'x');
  const std::string too_long_reaction(kMaxReactionBytes + 1, 'x');
  const std::string id_rule = "message_id must be a string of [A-Za-z0-9_-], at most 128 characters";
  return {
      {"typing missing", R"({"type":"typing"})", ErrorCode::missing_field, "typing", "typing is required"},
      {"typing string", R"({"type":"typing","typing":"yes"})", ErrorCode::invalid_field, "typing",
       "typing must be true or false"},
      {"typing number", R"({"type":"typing","typing":1})", ErrorCode::invalid_field, "typing",
       "typing must be true or false"},
      {"message no text", R"({"type":"message"})", ErrorCode::missing_field, "text", "text is required"},
      {"message text number", R"({"type":"message","text":5})", ErrorCode::invalid_field, "text",
       "text must be a string"},
      {"message text null", R"({"type":"message","text":null})", ErrorCode::invalid_field, "text",
       "text must be a string"},
      {"message empty", R"({"type":"message","text":""})", ErrorCode::invalid_field, "text",
       "text must not be empty"},
      {"message blank", R"({"type":"message","text":" \n\t "})", ErrorCode::invalid_field, "text",
       "text must not be empty"},
      {"message too long", Json{{"type", "message"}, {"text", too_long_text}}.dump(), ErrorCode::too_large, "text",
       "text is longer than 4000 bytes"},
      {"reaction no id", R"({"type":"reaction","reaction":"x"})", ErrorCode::missing_field, "message_id",
       "message_id is required"},
      {"reaction id float", R"({"type":"reaction","message_id":3.5,"reaction":"x"})", ErrorCode::invalid_field,
       "message_id", "message_id must be a string"},
      {"reaction id subject", R"({"type":"reaction","message_id":"a.b","reaction":"x"})", ErrorCode::invalid_id,
       "message_id", id_rule},
      {"reaction id wildcard", R"({"type":"reaction","message_id":">","reaction":"x"})", ErrorCode::invalid_id,
       "message_id", id_rule},
      {"reaction id object", R"({"type":"reaction","message_id":{"id":3},"reaction":"x"})",
       ErrorCode::invalid_field, "message_id", "message_id must be a string"},
      {"reaction id too long", Json{{"type", "reaction"}, {"message_id", std::string(129, '1')}, {"reaction", "x"}}.dump(),
       ErrorCode::invalid_id, "message_id", id_rule},
      {"reaction missing", R"({"type":"reaction","message_id":35})", ErrorCode::missing_field, "reaction",
       "reaction is required"},
      {"reaction empty", R"({"type":"reaction","message_id":35,"reaction":""})", ErrorCode::invalid_field,
       "reaction", "reaction must not be empty"},
      {"reaction too long", Json{{"type", "reaction"}, {"message_id", 35}, {"reaction", too_long_reaction}}.dump(),
       ErrorCode::too_large, "reaction", "reaction is longer than 64 bytes"},
  };
}

void expect_bad(const SessionInfo& s, const BadCase& c) {
  SCOPED_TRACE(c.name);
  auto got = CirclesAdapter().decode(c.frame, s);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, c.code);
  EXPECT_EQ(got.error().field, c.field);
  EXPECT_EQ(got.error().detail, c.detail);
}

TEST(CirclesErrors, BadEnvelopesOnEverySocket) {
  for (const SessionInfo& s : {dm_session(), user_session(), place_session()})
    for (const BadCase& c : envelope_cases()) expect_bad(s, c);
}

TEST(CirclesErrors, BadDmFrames) {
  for (const BadCase& c : dm_cases()) expect_bad(dm_session(), c);
}

TEST(CirclesErrors, BadPlaceFramesAreCheckedLikeDmOnes) {
  for (const BadCase& c : dm_cases())
    if (c.frame.find("\"reaction\"") == std::string::npos) expect_bad(place_session(), c);
}

TEST(CirclesErrors, TypesOfOtherSocketsAreUnknown) {
  struct Case {
    SessionInfo s;
    std::string type;
  };
  for (const Case& c : {Case{place_session(), "mark_read"}, Case{place_session(), "reaction"},
                        Case{user_session(), "typing"}, Case{user_session(), "message"},
                        Case{user_session(), "mark_read"}, Case{user_session(), "reaction"},
                        Case{session({}), "typing"}}) {
    SCOPED_TRACE(c.type);
    auto got = CirclesAdapter().decode(
        R"({"type":")" + c.type + R"(","typing":true,"text":"t","message_id":1,"reaction":"r"})", c.s);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::unknown_type);
    EXPECT_EQ(got.error().request_event, c.type);
  }
}

TEST(CirclesErrors, LongUnknownTypesAreClippedInTheError) {
  std::string type(500, 'q');
  auto got = CirclesAdapter().decode(R"({"type":")" + type + "\"}", dm_session());
  ASSERT_FALSE(got.ok());
  EXPECT_LE(got.error().detail.size(), 100u);
  EXPECT_LE(got.error().request_event.size(), 64u);
}

TEST(CirclesErrors, ErrorFrameShape) {
  CirclesAdapter a;
  auto frame = a.encode_error(DialectError{ErrorCode::unknown_type, "unknown type 'launch'", "type", "launch"});
  ASSERT_TRUE(frame.has_value());
  adapters::testing::expect_seed_frame(
      *frame, R"({ "type": "error", "code": "unknown_type", "message": "unknown type 'launch'" })");
  EXPECT_EQ(a.encode_error(DialectError{ErrorCode::store_failed, "", "", "message"}),
            R"({"type":"error","code":"store_failed","message":"store_failed"})");
  EXPECT_EQ(a.encode_error(DialectError{ErrorCode::binary_frame, "binary frames are not accepted", "", ""}),
            R"({"type":"error","code":"binary_frame","message":"binary frames are not accepted"})");
}

TEST(CirclesErrors, EveryDecodedErrorRendersAsJson) {
  CirclesAdapter a;
  for (const BadCase& c : dm_cases()) {
    auto got = a.decode(c.frame, dm_session());
    ASSERT_FALSE(got.ok());
    auto frame = a.encode_error(got.error());
    ASSERT_TRUE(frame.has_value());
    Json j = Json::parse(*frame);
    EXPECT_EQ(j["type"], "error");
    EXPECT_EQ(j["code"], std::string(to_string(c.code)));
  }
}

}  // namespace
}  // namespace gangway::adapters::circles_test
