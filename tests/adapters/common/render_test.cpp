#include "adapters/common/render.hpp"

#include <gtest/gtest.h>

namespace gangway::adapters {
namespace {

TEST(Ordered, WithoutAnOrderKeysStaySorted) {
  Json j{{"b", 1}, {"a", 2}};
  EXPECT_EQ(render(ordered(j)), R"({"a":2,"b":1})");
}

TEST(Ordered, ListedKeysFirstThenTheRest) {
  Json j{{"b", 1}, {"a", 2}, {"z", 3}, {"c", 4}};
  EXPECT_EQ(render(ordered(j, {{"z"}, {"b"}, {"absent"}})), R"({"z":3,"b":1,"a":2,"c":4})");
}

TEST(Ordered, NestedObjectsAndArraysOfObjects) {
  Json j = Json::parse(R"({"sender":{"a":1,"id":2},"items":[{"a":1,"id":2},3],"x":{"a":1,"id":2}})");
  KeyOrders order{{"sender", {{"id"}}}, {"items", {{"id"}}}};
  EXPECT_EQ(render(ordered(j, order)),
            R"({"sender":{"id":2,"a":1},"items":[{"id":2,"a":1},3],"x":{"a":1,"id":2}})");
}

TEST(Ordered, ScalarsPassThrough) {
  EXPECT_EQ(render(ordered(Json("s"), {{"k"}})), R"("s")");
  EXPECT_EQ(render(ordered(Json(nullptr), {{"k"}})), "null");
}

TEST(Render, InvalidUtf8IsReplacedNotThrown) {
  EXPECT_EQ(render(Json("a\xff")), "\"a\xEF\xBF\xBD\"");
  EXPECT_EQ(render(OrderedJson("a\xff")), "\"a\xEF\xBF\xBD\"");
}

}  // namespace
}  // namespace gangway::adapters
