#include "adapters/registry.hpp"

#include <gtest/gtest.h>

#include <set>

namespace gangway {
namespace {

TEST(Registry, FindsTribe) {
  const Dialect* d = find_dialect("tribe");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->name, "tribe");
  auto made = d->make(Json());
  ASSERT_TRUE(made) << made.error();
  EXPECT_EQ((*made)->name(), "tribe");
}

TEST(Registry, UnknownDialectsAreNull) {
  for (std::string_view name : {"", "Tribe", "tribe ", "nope"}) {
    EXPECT_EQ(find_dialect(name), nullptr) << name;
    EXPECT_EQ(make_adapter(name), nullptr) << name;
  }
}

TEST(Registry, NamesListEveryDialectOnceAndEachMakesItsAdapter) {
  std::vector<std::string_view> names = dialect_names();
  EXPECT_EQ(names, (std::vector<std::string_view>{"tribe", "circles", "social", "pythia", "winkr"}));
  EXPECT_EQ(std::set<std::string_view>(names.begin(), names.end()).size(), names.size());
  for (std::string_view n : names) {
    auto adapter = make_adapter(n);
    ASSERT_NE(adapter, nullptr) << n;
    EXPECT_EQ(adapter->name(), n);
    for (const Json& none : {Json(), Json::object()}) EXPECT_TRUE(find_dialect(n)->make(none)) << n;
  }
}

// Options are read once, when the config is loaded: a mistake is a
// --check-config error that names the key, for every dialect.
TEST(Registry, EveryDialectRefusesAnOptionItDoesNotHave) {
  for (std::string_view n : dialect_names()) {
    auto made = find_dialect(n)->make(Json{{"limtis", 1}});
    ASSERT_FALSE(made) << n;
    EXPECT_EQ(made.error().rfind("options.limtis is not an option of " + std::string(n), 0), 0u) << made.error();
    EXPECT_FALSE(find_dialect(n)->make(Json::array())) << n;
  }
}

TEST(Registry, OptionsReachTheAdapter) {
  auto made = find_dialect("circles")->make(Json{{"window_hours", 3}});
  ASSERT_TRUE(made) << made.error();
  SessionInfo s;
  s.user.id = "8";
  s.params = {{"place_id", "1"}};
  EXPECT_EQ((*made)->plan_open(s).checks.at(0).params.at("window_hours"), "3");
}

}  // namespace
}  // namespace gangway
