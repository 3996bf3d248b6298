// Every bad client frame gets a clear tribe error frame and never throws.
#include <gtest/gtest.h>

#include "adapters/tribe/tribe_adapter.hpp"
#include "tests/adapters/frame_assertions.hpp"

namespace gangway::adapters {
namespace tribe_errors_test {  // its own: the unity build compiles it with other test files
namespace {

SessionInfo session() {
  SessionInfo s;
  s.app = "tribe";
  s.conn_id = "conn-1";
  s.user = Principal{"user_uuid", "Full Name", "Full Name"};
  return s;
}

struct BadCase {
  std::string name;
  std::string frame;
  ErrorCode code;
  std::string field;
  std::string request_event;
  std::string detail;
};

const std::string kIdRule = "conversation_id must be a string of [A-Za-z0-9_-], at most 128 characters";

BadCase bad_id(std::string name, std::string event, std::string id_json, std::string extra = "") {
  return {std::move(name),
          R"({"event":")" + event + R"(","conversation_id":)" + id_json + extra + "}",
          ErrorCode::invalid_id,
          "conversation_id",
          event,
          kIdRule};
}

std::vector<BadCase> bad_cases() {
  const std::string not_object = "frame must be a JSON object";
  std::vector<BadCase> cases{
      {"empty", "", ErrorCode::invalid_json, "", "", not_object},
      {"truncated", R"({"event":"ping")", ErrorCode::invalid_json, "", "", not_object},
      {"garbage", "not json", ErrorCode::invalid_json, "", "", not_object},
      {"trailing", R"({"event":"ping"} x)", ErrorCode::invalid_json, "", "", not_object},
      {"array", R"([{"event":"ping"}])", ErrorCode::invalid_json, "", "", not_object},
      {"number", "42", ErrorCode::invalid_json, "", "", not_object},
      {"string", R"("ping")", ErrorCode::invalid_json, "", "", not_object},
      {"null", "null", ErrorCode::invalid_json, "", "", not_object},
      {"invalid utf-8", "{\"event\":\"p\xffing\"}", ErrorCode::invalid_json, "", "", not_object},
      {"no event", R"({"conversation_id":"c"})", ErrorCode::missing_field, "event", "", "event is required"},
      {"event number", R"({"event":5})", ErrorCode::invalid_field, "event", "", "event must be a string"},
      {"event null", R"({"event":null})", ErrorCode::invalid_field, "event", "", "event must be a string"},
      {"event object", R"({"event":{"x":1}})", ErrorCode::invalid_field, "event", "",
       "event must be a string"},
      {"unknown", R"({"event":"foo"})", ErrorCode::unknown_type, "event", "foo", "unknown event 'foo'"},
      {"empty event", R"({"event":""})", ErrorCode::unknown_type, "event", "", "unknown event ''"},
      {"case matters", R"({"event":"PING"})", ErrorCode::unknown_type, "event", "PING",
       "unknown event 'PING'"},
      {"server event", R"({"event":"message.new"})", ErrorCode::unknown_type, "event", "message.new",
       "unknown event 'message.new'"},
      // subscribe
      {"subscribe no id", R"({"event":"subscribe","channel":"conversation"})", ErrorCode::missing_field,
       "conversation_id", "subscribe", "conversation_id is required"},
      {"subscribe id null", R"({"event":"subscribe","conversation_id":null})", ErrorCode::invalid_field,
       "conversation_id", "subscribe", "conversation_id must be a string"},
      {"subscribe id float", R"({"event":"subscribe","conversation_id":4.5})", ErrorCode::invalid_field,
       "conversation_id", "subscribe", "conversation_id must be a string"},
      {"subscribe id bool", R"({"event":"subscribe","conversation_id":true})", ErrorCode::invalid_field,
       "conversation_id", "subscribe", "conversation_id must be a string"},
      {"subscribe id array", R"({"event":"subscribe","conversation_id":["a"]})", ErrorCode::invalid_field,
       "conversation_id", "subscribe", "conversation_id must be a string"},
      {"channel dm", R"({"event":"subscribe","channel":"dm","conversation_id":"c"})",
       ErrorCode::invalid_field, "channel", "subscribe", "channel must be \"conversation\""},
      {"channel number", R"({"event":"subscribe","channel":1,"conversation_id":"c"})",
       ErrorCode::invalid_field, "channel", "subscribe", "channel must be a string"},
      {"channel null", R"({"event":"subscribe","channel":null,"conversation_id":"c"})",
       ErrorCode::invalid_field, "channel", "subscribe", "channel must be a string"},
      // unsubscribe
      {"unsubscribe no id", R"({"event":"unsubscribe"})", ErrorCode::missing_field, "conversation_id",
       "unsubscribe", "conversation_id is required"},
      {"unsubscribe id object", R"({"event":"unsubscribe","conversation_id":{}})", ErrorCode::invalid_field,
       "conversation_id", "unsubscribe", "conversation_id must be a string"},
      // typing
      {"typing no id", R"({"event":"typing","is_typing":true})", ErrorCode::missing_field, "conversation_id",
       "typing", "conversation_id is required"},
      {"typing no flag", R"({"event":"typing","conversation_id":"c"})", ErrorCode::missing_field, "is_typing",
       "typing", "is_typing is required"},
      {"typing flag string", R"({"event":"typing","conversation_id":"c","is_typing":"true"})",
       ErrorCode::invalid_field, "is_typing", "typing", "is_typing must be true or false"},
      {"typing flag number", R"({"event":"typing","conversation_id":"c","is_typing":1})",
       ErrorCode::invalid_field, "is_typing", "typing", "is_typing must be true or false"},
      // presence
      {"presence no status", R"({"event":"presence"})", ErrorCode::missing_field, "status", "presence",
       "status is required"},
      {"presence busy", R"({"event":"presence","status":"busy"})", ErrorCode::invalid_field, "status",
       "presence", R"(status must be one of "online", "offline", "away")"},
      {"presence case", R"({"event":"presence","status":"Online"})", ErrorCode::invalid_field, "status",
       "presence", R"(status must be one of "online", "offline", "away")"},
      {"presence number", R"({"event":"presence","status":1})", ErrorCode::invalid_field, "status",
       "presence", R"(status must be one of "online", "offline", "away")"},
  };
  // Ids that would break out of a NATS subject token, for every event carrying one.
  for (std::string event : {"subscribe", "unsubscribe", "typing"}) {
    std::string extra = event == "typing" ? R"(,"is_typing":true)" : "";
    for (auto [what, id] : std::vector<std::pair<std::string, std::string>>{
             {"dot", R"("a.b")"},
             {"star", R"("*")"},
             {"gt", R"(">")"},
             {"space", R"("a b")"},
             {"empty", R"("")"},
             {"newline", R"("a\nb")"},
             {"unicode", R"("conv-é")"},
             {"escaped unicode", R"("conv-\u00e9")"},
             {"nul", R"("a\u0000b")"},
             {"129 chars", "\"" + std::string(129, 'a') + "\""},
         }) {
      cases.push_back(bad_id(event + " id " + what, event, id, extra));
    }
  }
  return cases;
}

TEST(TribeErrors, EveryBadFrameGetsTheRightError) {
  TribeAdapter a;
  for (const BadCase& c : bad_cases()) {
    SCOPED_TRACE(c.name);
    auto got = a.decode(c.frame, session());
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, c.code);
    EXPECT_EQ(got.error().field, c.field);
    EXPECT_EQ(got.error().request_event, c.request_event);
    EXPECT_EQ(got.error().detail, c.detail);

    auto frame = a.encode_error(got.error());
    ASSERT_TRUE(frame.has_value());
    Json want{{"event", "error"}, {"code", std::string(to_string(c.code))}, {"message", c.detail}};
    if (!c.request_event.empty()) want["request_event"] = c.request_event;
    EXPECT_EQ(Json::parse(*frame), want);
  }
}

TEST(TribeErrors, ErrorFrameKeyOrder) {
  TribeAdapter a;
  DialectError e{ErrorCode::unknown_type, "unknown event 'foo'", "event", "foo"};
  EXPECT_EQ(
      *a.encode_error(e),
      R"({"event":"error","code":"unknown_type","message":"unknown event 'foo'","request_event":"foo"})");
  DialectError no_event{ErrorCode::invalid_json, "frame must be a JSON object", "", ""};
  EXPECT_EQ(*a.encode_error(no_event),
            R"({"event":"error","code":"invalid_json","message":"frame must be a JSON object"})");
}

TEST(TribeErrors, CoreErrorsRenderToo) {
  TribeAdapter a;
  EXPECT_EQ(
      *a.encode_error({ErrorCode::forbidden, "not a participant of this conversation", "", "subscribe"}),
      R"({"event":"error","code":"forbidden","message":"not a participant of this conversation",)"
      R"("request_event":"subscribe"})");
  // Without a detail the code stands in, so "message" is never empty.
  EXPECT_EQ(*a.encode_error({ErrorCode::unavailable, "", "", ""}),
            R"({"event":"error","code":"unavailable","message":"unavailable"})");
  // tribe has no not-found code: a conversation that does not exist reads like
  // one the user may not see, so the answer does not tell what exists.
  EXPECT_EQ(*a.encode_error({ErrorCode::not_found, "", "", "subscribe"}),
            R"({"event":"error","code":"forbidden","message":"forbidden","request_event":"subscribe"})");
}

TEST(TribeErrors, HugeUnknownEventIsClippedInTheError) {
  TribeAdapter a;
  std::string name(100000, 'x');
  auto got = a.decode(R"({"event":")" + name + "\"}", session());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::unknown_type);
  EXPECT_EQ(got.error().request_event, std::string(61, 'x') + "...");
  EXPECT_EQ(got.error().detail, "unknown event '" + std::string(61, 'x') + "...'");
  auto frame = a.encode_error(got.error());
  ASSERT_TRUE(frame.has_value());
  EXPECT_LT(frame->size(), 250u);
}

TEST(TribeErrors, MultiByteEventNameIsClippedOnACharacterBoundary) {
  TribeAdapter a;
  std::string name = "xx";  // then 2-byte characters, so byte 61 is a continuation byte
  for (int i = 0; i < 50; ++i) name += "\xC3\xA9";
  auto got = a.decode(R"({"event":")" + name + "\"}", session());
  ASSERT_FALSE(got.ok());
  const std::string& shown = got.error().request_event;
  EXPECT_EQ(shown.size(), 60u + 3u);
  // The error frame serialises without replacement characters: the clip is valid UTF-8.
  auto frame = a.encode_error(got.error());
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(Json::parse(*frame).at("request_event"), shown);
  EXPECT_EQ(frame->find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(TribeErrors, LargeBadIdIsNotEchoed) {
  TribeAdapter a;
  std::string id(10000, 'z');
  auto got = a.decode(R"({"event":"subscribe","conversation_id":")" + id + "\"}", session());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::invalid_id);
  EXPECT_EQ(a.encode_error(got.error())->find("zzz"), std::string::npos);
}

TEST(TribeErrors, DeeplyNestedFrameIsRefusedWithoutCrashing) {
  // Refused while parsing (max_json_depth), even where the deep part is a
  // field the dialect ignores: encoding such a document later would recurse.
  std::string deep = R"({"event":"ping","x":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto got = TribeAdapter().decode(deep, session());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::invalid_json);
  auto broken = TribeAdapter().decode(std::string(100000, '['), session());
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, ErrorCode::invalid_json);
}

}  // namespace
}  // namespace tribe_errors_test
}  // namespace gangway::adapters
