// Fields::integer / optional_integer: JSON integers only, within a range.
#include <gtest/gtest.h>

#include "adapters/common/json_fields.hpp"

namespace gangway::adapters {
namespace {

FieldResult<std::int64_t> read(const char* json, std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX) {
  Json obj = Json::parse(json);
  return Fields(obj, "ev").integer("n", min, max);
}

TEST(FieldsInteger, ReadsIntegersInRange) {
  EXPECT_EQ(*read(R"({"n":123})"), 123);
  EXPECT_EQ(*read(R"({"n":-4})"), -4);
  EXPECT_EQ(*read(R"({"n":9223372036854775807})"), INT64_MAX);
  EXPECT_EQ(*read(R"({"n":1})", 1, 1), 1);
}

TEST(FieldsInteger, EverythingElseIsAnInvalidField) {
  for (const char* json : {R"({"n":"1"})", R"({"n":1.0})", R"({"n":1.5})", R"({"n":null})", R"({"n":true})",
                           R"({"n":[1]})", R"({"n":18446744073709551615})", R"({"n":1e3})"}) {
    SCOPED_TRACE(json);
    auto r = read(json);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_field);
    EXPECT_EQ(r.error().field, "n");
    EXPECT_EQ(r.error().request_event, "ev");
    EXPECT_EQ(r.error().detail, "n must be an integer");
  }
}

TEST(FieldsInteger, OutOfRangeNamesTheRange) {
  EXPECT_EQ(read(R"({"n":0})", 1).error().detail, "n must be an integer of at least 1");
  EXPECT_EQ(read(R"({"n":11})", 1, 10).error().detail, "n must be an integer from 1 to 10");
}

TEST(FieldsInteger, AbsentIsMissingOrNothing) {
  EXPECT_EQ(read("{}").error().code, ErrorCode::missing_field);
  EXPECT_EQ(read("{}").error().detail, "n is required");
  Json obj = Json::object();
  auto r = Fields(obj, "ev").optional_integer("n");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  Json five{{"n", 5}};
  EXPECT_EQ(**Fields(five, "ev").optional_integer("n"), 5);
}

}  // namespace
}  // namespace gangway::adapters
