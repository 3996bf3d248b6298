#include "adapters/common/numeric_id.hpp"

#include <gtest/gtest.h>

namespace gangway::adapters {
namespace {

TEST(NumericId, CanonicalDecimalsBecomeNumbers) {
  EXPECT_EQ(id_json("8"), Json(8));
  EXPECT_EQ(id_json("0"), Json(0));
  EXPECT_EQ(id_json("123456789012345678"), Json(123456789012345678LL));
  EXPECT_TRUE(id_json("35").is_number_integer());
}

TEST(NumericId, AnythingElseStaysAString) {
  for (const char* id : {"08", "00", "1234567890123456789", "u-8", "8a", "-8", "", "8 ", "1e3"}) {
    EXPECT_EQ(id_json(id), Json(id)) << id;
  }
}

TEST(NumericId, IdStringReadsBothForms) {
  EXPECT_EQ(id_string(Json(8)), "8");
  EXPECT_EQ(id_string(Json(8u)), "8");
  EXPECT_EQ(id_string(Json("u-8")), "u-8");
  for (const Json& j : {Json(-1), Json(1.5), Json(true), Json(nullptr), Json::object(), Json::array()})
    EXPECT_EQ(id_string(j), "") << j.dump();
}

TEST(NumericId, RoundTrips) {
  for (const char* id : {"0", "8", "35", "08", "u-8", "123456789012345678"}) EXPECT_EQ(id_string(id_json(id)), id);
}

}  // namespace
}  // namespace gangway::adapters
