// Every bad client frame gets the seed's error frame (code, message, details,
// request_event), and every core error maps to one of the seed's codes.
#include <gtest/gtest.h>

#include "tests/adapters/winkr/winkr_test_util.hpp"

namespace gangway::adapters {
namespace {

using namespace winkr_testing;

struct BadCase {
  std::string name;
  std::string frame;
  std::string code;     // the seed's error code
  std::string field;    // details.field ("" when absent)
  std::string request;  // request_event ("" when absent)
};

std::string send_with(const std::string& data) { return R"({"event":"message:send","data":)" + data + "}"; }

std::vector<BadCase> bad_cases() {
  std::vector<BadCase> cases{
      {"empty", "", "VALIDATION_ERROR", "", ""},
      {"garbage", "not json", "VALIDATION_ERROR", "", ""},
      {"truncated", R"({"event":"user:status")", "VALIDATION_ERROR", "", ""},
      {"array", R"([{"event":"user:status"}])", "VALIDATION_ERROR", "", ""},
      {"null", "null", "VALIDATION_ERROR", "", ""},
      {"invalid utf-8", "{\"event\":\"user:st\xffus\"}", "VALIDATION_ERROR", "", ""},
      {"no event", R"({"data":{}})", "VALIDATION_ERROR", "event", ""},
      {"event number", R"({"event":1,"data":{}})", "VALIDATION_ERROR", "event", ""},
      {"unknown event", R"({"event":"match:like","data":{}})", "VALIDATION_ERROR", "event", "match:like"},
      {"server event", R"({"event":"message:new","data":{}})", "VALIDATION_ERROR", "event", "message:new"},
      {"case matters", R"({"event":"Message:Send","data":{}})", "VALIDATION_ERROR", "event", "Message:Send"},
      {"no data", R"({"event":"user:status"})", "VALIDATION_ERROR", "data", "user:status"},
      {"data string", R"({"event":"user:status","data":"online"})", "VALIDATION_ERROR", "data",
       "user:status"},
      {"data null", R"({"event":"typing:start","data":null})", "VALIDATION_ERROR", "data", "typing:start"},
      // message:send
      {"send no conversation", send_with(R"({"content":"x"})"), "VALIDATION_ERROR", "conversation_id",
       "message:send"},
      {"send no content", send_with(R"({"conversation_id":"c"})"), "VALIDATION_ERROR", "content",
       "message:send"},
      {"send content number", send_with(R"({"conversation_id":"c","content":5})"), "VALIDATION_ERROR",
       "content", "message:send"},
      {"send empty text", send_with(R"({"conversation_id":"c","content":""})"), "VALIDATION_ERROR", "content",
       "message:send"},
      {"send text too long",
       send_with(R"({"conversation_id":"c","content":")" + std::string(2001, 'a') + "\"}"),
       "MESSAGE_TOO_LARGE", "content", "message:send"},
      {"send video", send_with(R"({"conversation_id":"c","content":"x","type":"video"})"),
       "INVALID_MESSAGE_TYPE", "type", "message:send"},
      {"send type case", send_with(R"({"conversation_id":"c","content":"x","type":"Text"})"),
       "INVALID_MESSAGE_TYPE", "type", "message:send"},
      {"send type number", send_with(R"({"conversation_id":"c","content":"x","type":1})"), "VALIDATION_ERROR",
       "type", "message:send"},
      {"send type null", send_with(R"({"conversation_id":"c","content":"x","type":null})"),
       "VALIDATION_ERROR", "type", "message:send"},
      {"send metadata array", send_with(R"({"conversation_id":"c","content":"x","metadata":[]})"),
       "VALIDATION_ERROR", "metadata", "message:send"},
      // message:read / message:delete
      {"read no message", R"({"event":"message:read","data":{"conversation_id":"c"}})", "VALIDATION_ERROR",
       "message_id", "message:read"},
      {"delete message float",
       R"({"event":"message:delete","data":{"conversation_id":"c","message_id":1.5}})", "VALIDATION_ERROR",
       "message_id", "message:delete"},
      {"delete message dot",
       R"({"event":"message:delete","data":{"conversation_id":"c","message_id":"a.b"}})", "VALIDATION_ERROR",
       "message_id", "message:delete"},
      // user:status
      {"status missing", R"({"event":"user:status","data":{}})", "VALIDATION_ERROR", "status", "user:status"},
      {"status busy", R"({"event":"user:status","data":{"status":"busy"}})", "VALIDATION_ERROR", "status",
       "user:status"},
      {"status number", R"({"event":"user:status","data":{"status":1}})", "VALIDATION_ERROR", "status",
       "user:status"},
  };
  // Ids that would break out of a NATS subject token, for every event carrying one.
  for (std::string event : {"message:send", "message:read", "message:delete", "typing:start", "typing:stop",
                            "conversation:join", "conversation:leave"}) {
    for (const std::string& id : std::vector<std::string>{
             R"("a.b")", R"("*")", R"(">")", R"("a b")", R"("")", R"("conv-\u00e9")", R"("a\u0000b")",
             "\"" + std::string(129, 'a') + "\"", "null", "true", "{}"}) {
      std::string frame = R"({"event":")" + event + R"(","data":{"conversation_id":)" + id +
                          R"(,"message_id":"m","content":"x"}})";
      cases.push_back({event + " id " + id, frame, "VALIDATION_ERROR", "conversation_id", event});
    }
  }
  return cases;
}

TEST(WinkrErrors, EveryBadFrameGetsTheSeedsErrorFrame) {
  WinkrAdapter a(noon);
  for (const BadCase& c : bad_cases()) {
    SCOPED_TRACE(c.name);
    auto got = a.decode(c.frame, jane());
    ASSERT_FALSE(got.ok());
    auto frame = a.encode_error(got.error());
    ASSERT_TRUE(frame);
    OrderedJson j = OrderedJson::parse(*frame);
    EXPECT_EQ(j["event"], "error");
    EXPECT_EQ(j["timestamp"], noon());
    EXPECT_EQ(j["data"]["code"], c.code);
    EXPECT_TRUE(j["data"]["message"].is_string());
    ASSERT_TRUE(j["data"].contains("details"));
    EXPECT_TRUE(j["data"]["details"]["error"].is_string());
    EXPECT_EQ(j["data"]["details"].value("field", ""), c.field);
    EXPECT_EQ(j["data"].value("request_event", ""), c.request);
    // The envelope's keys come in the seed's order.
    std::vector<std::string> keys;
    for (auto& [k, v] : j["data"].items()) keys.push_back(k);
    std::vector<std::string> want{"code", "message", "details"};
    if (!c.request.empty()) want.push_back("request_event");
    EXPECT_EQ(keys, want);
  }
}

TEST(WinkrErrors, ClientTextIsClippedInErrors) {
  WinkrAdapter a(noon);
  std::string long_event(500, 'e');
  auto got = a.decode(R"({"event":")" + long_event + R"(","data":{}})", jane());
  ASSERT_FALSE(got.ok());
  Json j = Json::parse(*a.encode_error(got.error()));
  EXPECT_LE(j["data"]["request_event"].get<std::string>().size(), 64u);
  EXPECT_LE(j["data"]["details"]["error"].get<std::string>().size(), 100u);
  std::string type(500, 't');
  got = a.decode(send_with(R"({"conversation_id":"c","content":"x","type":")" + type + "\"}"), jane());
  ASSERT_FALSE(got.ok());
  EXPECT_LE(got.error().detail.size(), 120u);
}

struct CoreCase {
  ErrorCode code;
  const char* field;
  const char* seed_code;
  const char* message;
};

TEST(WinkrErrors, CoreErrorsMapToTheSeedsCodes) {
  const CoreCase cases[] = {
      {ErrorCode::invalid_json, "", "VALIDATION_ERROR", "Invalid request data"},
      {ErrorCode::unknown_type, "event", "VALIDATION_ERROR", "Invalid request data"},
      {ErrorCode::unknown_type, "type", "INVALID_MESSAGE_TYPE", "Unsupported message type"},
      {ErrorCode::missing_field, "x", "VALIDATION_ERROR", "Invalid request data"},
      {ErrorCode::invalid_field, "content", "VALIDATION_ERROR", "Invalid message content"},
      {ErrorCode::invalid_id, "conversation_id", "VALIDATION_ERROR", "Invalid request data"},
      {ErrorCode::too_large, "", "MESSAGE_TOO_LARGE", "Message exceeds size limit"},
      {ErrorCode::binary_frame, "", "VALIDATION_ERROR", "Invalid request data"},
      {ErrorCode::invalid_utf8, "", "VALIDATION_ERROR", "Invalid request data"},
      {ErrorCode::forbidden, "", "FORBIDDEN", "Access to resource forbidden"},
      {ErrorCode::not_joined, "", "FORBIDDEN", "Access to resource forbidden"},
      {ErrorCode::not_found, "", "NOT_FOUND", "Conversation or message not found"},
      {ErrorCode::store_not_found, "", "NOT_FOUND", "Conversation or message not found"},
      {ErrorCode::rate_limited, "", "RATE_LIMITED", "Too many requests"},
      {ErrorCode::unavailable, "", "INTERNAL_ERROR", "Internal server error"},
      {ErrorCode::store_failed, "", "INTERNAL_ERROR", "Internal server error"},
      {ErrorCode::internal, "", "INTERNAL_ERROR", "Internal server error"},
  };
  WinkrAdapter a(noon);
  for (const CoreCase& c : cases) {
    SCOPED_TRACE(std::string(to_string(c.code)) + "/" + c.field);
    Json j = Json::parse(*a.encode_error(DialectError{c.code, "why", c.field, "message:send"}));
    EXPECT_EQ(j["data"]["code"], c.seed_code);
    EXPECT_EQ(j["data"]["message"], c.message);
    EXPECT_EQ(j["data"]["details"]["error"], "why");
    EXPECT_EQ(j["data"]["request_event"], "message:send");
  }
}

TEST(WinkrErrors, RateLimitFrameFromTheCore) {
  auto frame = WinkrAdapter(noon).encode_error(DialectError{ErrorCode::rate_limited, "", "", "message:send"});
  EXPECT_EQ(frame, R"({"event":"error","data":{"code":"RATE_LIMITED","message":"Too many requests",)"
                   R"("request_event":"message:send"},"timestamp":"2025-01-01T12:00:00Z"})");
}

TEST(WinkrErrors, BinaryFrameWithoutRequestEvent) {
  auto frame = WinkrAdapter(noon).encode_error(
      DialectError{ErrorCode::binary_frame, "binary frames are not supported", "", ""});
  EXPECT_EQ(frame,
            R"({"event":"error","data":{"code":"VALIDATION_ERROR","message":"Invalid request data",)"
            R"("details":{"error":"binary frames are not supported"}},"timestamp":"2025-01-01T12:00:00Z"})");
}

}  // namespace
}  // namespace gangway::adapters
