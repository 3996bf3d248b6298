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

// append_ordered writes per event what render(ordered()) writes: byte for byte.
void expect_appended_as_rendered(const Json& j, const KeyOrders& order) {
  SCOPED_TRACE(j.dump(-1, ' ', false, Json::error_handler_t::replace));
  std::string out = "prefix:";
  append_ordered(out, j, order);
  EXPECT_EQ(out, "prefix:" + render(ordered(j, order)));
}

TEST(AppendOrdered, SameBytesAsRenderingTheOrderedCopy) {
  const KeyOrders order{{"id"}, {"sender", {{"id"}, {"name"}}}, {"items", {{"z"}}}, {"absent"}};
  for (const Json& j : {
           Json::parse(R"({"content":"hi","id":"7","sender":{"name":"Ann","id":1,"extra":true}})"),
           Json::parse(R"({"items":[{"a":1,"z":2},[{"z":1,"a":0}],3,"s"],"id":null})"),
           Json::parse(R"({"sender":"not an object","n":-1.5e-7,"big":18446744073709551615,"neg":-3})"),
           Json::parse(R"({"f":0.1,"g":1e300,"h":100000.0,"e":[],"o":{},"b":false})"),
           Json::parse(R"({"quote\"key":"line\nbreak\t\"q\" \\ \u0001 \u007f","caf\u00e9":"\ud83d\ude00"})"),
           Json{{"bad utf8", "a\xff\xc0\xafz"}, {"id", "x\xed\xa0\x80"}, {"k\xfe", 1}},
           Json::object(), Json::array(), Json("plain"), Json("\x01"), Json(42), Json(nullptr),
       }) {
    expect_appended_as_rendered(j, order);
    expect_appended_as_rendered(j, {});
  }
}

TEST(AppendString, SameBytesAsRenderingTheString) {
  for (std::string_view s : {"", "plain text", "quote\" back\\slash", "tab\t", "\x7f del", "caf\xc3\xa9", "bad\xff"}) {
    std::string out = "[";
    append_string(out, s);
    EXPECT_EQ(out, "[" + render(Json(std::string(s))));
  }
}

}  // namespace
}  // namespace gangway::adapters
