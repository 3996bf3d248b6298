#include "adapters/registry.hpp"

#include <gtest/gtest.h>

#include <set>

namespace gangway {
namespace {

TEST(Registry, FindsTribe) {
  const Adapter* a = find_adapter("tribe");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->name(), "tribe");
  EXPECT_EQ(find_adapter("tribe"), a);  // one shared instance
}

TEST(Registry, UnknownDialectsAreNull) {
  EXPECT_EQ(find_adapter(""), nullptr);
  EXPECT_EQ(find_adapter("Tribe"), nullptr);
  EXPECT_EQ(find_adapter("tribe "), nullptr);
  EXPECT_EQ(find_adapter("nope"), nullptr);
}

TEST(Registry, NamesListEveryDialectOnceAndEachResolves) {
  std::vector<std::string_view> names = adapter_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "tribe"), names.end());
  EXPECT_EQ(std::set<std::string_view>(names.begin(), names.end()).size(), names.size());
  for (std::string_view n : names) {
    const Adapter* a = find_adapter(n);
    ASSERT_NE(a, nullptr) << n;
    EXPECT_EQ(a->name(), n);
  }
}

}  // namespace
}  // namespace gangway
