// Every bad client frame, and every error the core reports, becomes one of the
// seed's nine error codes in its error frame; decode never throws.
#include <gtest/gtest.h>

#include "adapters/pythia/pythia_frames.hpp"
#include "tests/adapters/frame_assertions.hpp"
#include "tests/adapters/pythia/pythia_test_util.hpp"

namespace gangway::adapters {
namespace {

using namespace pythia_testing;

struct BadCase {
  std::string name;
  std::string frame;
  std::string error_code;  // the seed's
  ErrorCode code;          // the core's, for metrics
};

std::vector<BadCase> bad_cases() {
  std::string long_id(129, 'a');
  return {
      {"empty", "", "invalid_json", ErrorCode::invalid_json},
      {"truncated", R"({"type":"ping")", "invalid_json", ErrorCode::invalid_json},
      {"garbage", "not json", "invalid_json", ErrorCode::invalid_json},
      {"array", R"([{"type":"ping"}])", "invalid_json", ErrorCode::invalid_json},
      {"number", "42", "invalid_json", ErrorCode::invalid_json},
      {"null", "null", "invalid_json", ErrorCode::invalid_json},
      {"invalid utf-8", "{\"type\":\"p\xffing\"}", "invalid_json", ErrorCode::invalid_json},
      {"no type", R"({"channel_id":"c"})", "unknown_message_type", ErrorCode::missing_field},
      {"type number", R"({"type":5})", "unknown_message_type", ErrorCode::invalid_field},
      {"type null", R"({"type":null})", "unknown_message_type", ErrorCode::invalid_field},
      {"unknown", R"({"type":"foo"})", "unknown_message_type", ErrorCode::unknown_type},
      {"empty type", R"({"type":""})", "unknown_message_type", ErrorCode::unknown_type},
      {"case matters", R"({"type":"PING"})", "unknown_message_type", ErrorCode::unknown_type},
      {"server type", R"({"type":"new_message"})", "unknown_message_type", ErrorCode::unknown_type},
      {"tribe envelope", R"({"event":"ping"})", "unknown_message_type", ErrorCode::missing_field},
      // channel_id, for each request that takes one
      {"join no id", R"({"type":"join_channel"})", "missing_channel_id", ErrorCode::missing_field},
      {"join null id", R"({"type":"join_channel","channel_id":null})", "missing_channel_id",
       ErrorCode::missing_field},
      {"join empty id", R"({"type":"join_channel","channel_id":""})", "missing_channel_id",
       ErrorCode::missing_field},
      {"join number id", R"({"type":"join_channel","channel_id":5})", "join_channel_error",
       ErrorCode::invalid_field},
      {"join object id", R"({"type":"join_channel","channel_id":{"id":"c"}})", "join_channel_error",
       ErrorCode::invalid_field},
      {"join dotted id", R"({"type":"join_channel","channel_id":"a.b"})", "join_channel_error",
       ErrorCode::invalid_id},
      {"join wildcard id", R"({"type":"join_channel","channel_id":"*"})", "join_channel_error",
       ErrorCode::invalid_id},
      {"join long id", R"({"type":"join_channel","channel_id":")" + long_id + "\"}", "join_channel_error",
       ErrorCode::invalid_id},
      {"leave no id", R"({"type":"leave_channel"})", "missing_channel_id", ErrorCode::missing_field},
      {"leave bad id", R"({"type":"leave_channel","channel_id":"a>"})", "leave_channel_error",
       ErrorCode::invalid_id},
      {"leave bool id", R"({"type":"leave_channel","channel_id":true})", "leave_channel_error",
       ErrorCode::invalid_field},
      {"typing no id", R"({"type":"typing_indicator","is_typing":true})", "missing_channel_id",
       ErrorCode::missing_field},
      {"typing bad id", R"({"type":"typing_indicator","channel_id":"a b","is_typing":true})",
       "typing_indicator_error", ErrorCode::invalid_id},
      {"typing no flag", R"({"type":"typing_indicator","channel_id":"c"})", "typing_indicator_error",
       ErrorCode::missing_field},
      {"typing string flag", R"({"type":"typing_indicator","channel_id":"c","is_typing":"true"})",
       "typing_indicator_error", ErrorCode::invalid_field},
      {"typing numeric flag", R"({"type":"typing_indicator","channel_id":"c","is_typing":1})",
       "typing_indicator_error", ErrorCode::invalid_field},
      {"online no id", R"({"type":"get_online_users"})", "missing_channel_id", ErrorCode::missing_field},
      {"online bad id", R"({"type":"get_online_users","channel_id":"ü"})", "get_online_users_error",
       ErrorCode::invalid_id},
      {"online array id", R"({"type":"get_online_users","channel_id":["c"]})", "get_online_users_error",
       ErrorCode::invalid_field},
  };
}

TEST(PythiaErrors, EveryBadFrameGetsTheSeedsErrorCode) {
  PythiaAdapter a = adapter();
  for (const BadCase& c : bad_cases()) {
    SCOPED_TRACE(c.name);
    auto got = a.decode(c.frame, session());
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, c.code) << got.error().detail;
    auto frame = a.encode_error(got.error());
    ASSERT_TRUE(frame.has_value());
    Json j = Json::parse(*frame);
    EXPECT_EQ(j.at("type"), "error");
    EXPECT_EQ(j.at("error_code"), c.error_code);
    EXPECT_TRUE(j.at("message").is_string());
    EXPECT_TRUE(j.at("details").is_string());
    EXPECT_EQ(j.size(), 4u);
  }
}

TEST(PythiaErrors, AccessDeniedIsTheSeedsFrame) {
  auto frame = adapter().encode_error({ErrorCode::forbidden, "not allowed", "", "join_channel"});
  ASSERT_TRUE(frame);
  testing::expect_seed_frame(*frame, R"({
  "type": "error",
  "error_code": "access_denied",
  "message": "Access denied to channel",
  "details": "User is not a member of this private channel"
})");
}

TEST(PythiaErrors, DetailsNeverEchoMuchClientInput) {
  std::string huge(10'000, 'x');
  auto got = adapter().decode(R"({"type":")" + huge + "\"}", session());
  ASSERT_FALSE(got.ok());
  auto frame = adapter().encode_error(got.error());
  ASSERT_TRUE(frame);
  EXPECT_LT(frame->size(), 400u);
  EXPECT_EQ(Json::parse(*frame).at("error_code"), "unknown_message_type");
}

// The whole table: each core ErrorCode for each request type.
struct MapCase {
  ErrorCode code;
  std::string field;
  std::vector<std::string> per_request;  // join, leave, typing, online, ping, none
};

const std::vector<std::string> kRequests{"join_channel",     "leave_channel", "typing_indicator",
                                         "get_online_users", "ping",          ""};

std::vector<MapCase> map_cases() {
  auto same = [](const char* c) { return std::vector<std::string>(6, c); };
  std::vector<std::string> own{"join_channel_error",     "leave_channel_error", "typing_indicator_error",
                               "get_online_users_error", "internal_error",      "internal_error"};
  return {
      {ErrorCode::invalid_json, "", same("invalid_json")},
      {ErrorCode::binary_frame, "", same("invalid_json")},
      {ErrorCode::invalid_utf8, "", same("invalid_json")},
      {ErrorCode::unknown_type, "type", same("unknown_message_type")},
      {ErrorCode::missing_field, "type", same("unknown_message_type")},
      {ErrorCode::invalid_field, "type", same("unknown_message_type")},
      {ErrorCode::missing_field, "channel_id", same("missing_channel_id")},
      {ErrorCode::invalid_field, "channel_id", own},
      {ErrorCode::missing_field, "is_typing", own},
      {ErrorCode::invalid_field, "is_typing", own},
      {ErrorCode::invalid_id, "channel_id", own},
      {ErrorCode::too_large, "", own},
      {ErrorCode::forbidden, "", same("access_denied")},
      {ErrorCode::not_found, "", same("access_denied")},
      {ErrorCode::not_joined, "", same("access_denied")},
      {ErrorCode::rate_limited, "", own},
      {ErrorCode::unavailable, "", own},
      {ErrorCode::store_failed, "", same("internal_error")},
      {ErrorCode::store_not_found, "", same("internal_error")},
      {ErrorCode::internal, "", same("internal_error")},
  };
}

TEST(PythiaErrors, EveryCoreErrorForEveryRequestMapsToASeedCode) {
  for (const MapCase& c : map_cases()) {
    for (std::size_t i = 0; i < kRequests.size(); ++i) {
      SCOPED_TRACE(std::string(to_string(c.code)) + " field=" + c.field + " request=" + kRequests[i]);
      DialectError e{c.code, "detail", c.field, kRequests[i]};
      EXPECT_EQ(pythia::error_code(e), c.per_request[i]);
      Json j = Json::parse(*adapter().encode_error(e));
      EXPECT_EQ(j.at("error_code"), c.per_request[i]);
    }
  }
}

TEST(PythiaErrors, MessagesAndDetails) {
  auto frame = [](DialectError e) { return *adapter().encode_error(e); };
  EXPECT_EQ(frame({ErrorCode::unavailable, "authorization is unavailable, try again", "", "join_channel"}),
            R"({"type":"error","error_code":"join_channel_error","message":"Failed to join channel",)"
            R"("details":"authorization is unavailable, try again"})");
  EXPECT_EQ(frame({ErrorCode::not_joined, "subscribe to channel c first", "", "typing_indicator"}),
            R"({"type":"error","error_code":"access_denied","message":"Access denied to channel",)"
            R"("details":"Join the channel first"})");
  EXPECT_EQ(frame({ErrorCode::internal, "", "", ""}),
            R"({"type":"error","error_code":"internal_error","message":"Internal server error",)"
            R"("details":"Internal server error"})");
  EXPECT_EQ(frame({ErrorCode::invalid_json, "frame must be a JSON object", "", ""}),
            R"({"type":"error","error_code":"invalid_json","message":"Invalid JSON format",)"
            R"("details":"frame must be a JSON object"})");
  EXPECT_EQ(frame({ErrorCode::missing_field, "channel_id is required", "channel_id", "leave_channel"}),
            R"({"type":"error","error_code":"missing_channel_id","message":"channel_id is required",)"
            R"("details":"channel_id is required"})");
}

}  // namespace
}  // namespace gangway::adapters
