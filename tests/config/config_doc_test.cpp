// docs/configuration.md lists exactly the keys the parser accepts.
//
// The parser's side comes from the parser itself (accepted_config_keys: the
// keys it looks up while reading tests/config/full_config.json, a config with
// every section once), so a key added to the parser needs no list here. The
// doc's side is every backticked key in the first column of the tables that
// follow a `<!-- config-keys: PREFIX -->` line (PREFIX: where the table's keys
// live, e.g. `apps[]`); `<name>` and `<kind>` stand for names the config
// chooses (`*` on the parser's side).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "gateway/config/config.hpp"

namespace gangway {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

// Keys of the doc's marked tables, as the parser names them.
std::set<std::string> documented_keys(const std::string& doc, std::string* problems) {
  static const std::regex marker(R"(^<!-- config-keys: *([^ ]*) *-->$)");
  static const std::regex key(R"(^[a-z_][a-z0-9_]*(\[\])?(\.([a-z0-9_]+|<[a-z_]+>)(\[\])?)*$)");
  static const std::regex backticked("`([^`]+)`");
  std::set<std::string> keys;
  std::istringstream in(doc);
  std::string prefix;
  bool marked = false, in_table = false;
  int tables = 0, row_in_table = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, marker)) {
      prefix = m[1];
      marked = true;
      continue;
    }
    bool row = line.rfind("|", 0) == 0;
    if (!row) {
      if (in_table) marked = false;  // a marker covers the one table after it
      in_table = false;
      continue;
    }
    if (!marked) continue;
    if (!in_table) ++tables, row_in_table = 0;
    in_table = true;
    if (row_in_table++ < 2) continue;  // the header and its |---| line
    auto cells = line.substr(1);
    auto first = cells.substr(0, cells.find('|'));
    for (std::sregex_iterator it(first.begin(), first.end(), backticked), end; it != end; ++it) {
      std::string k = (*it)[1];
      if (!std::regex_match(k, key)) continue;  // a value such as `U…`
      k = std::regex_replace(k, std::regex("<[a-z_]+>"), "*");
      keys.insert(prefix.empty() ? k : prefix + "." + k);
    }
  }
  if (tables == 0) *problems += "docs/configuration.md has no `<!-- config-keys: … -->` tables\n";
  return keys;
}

TEST(ConfigDoc, TheDocumentedKeysAreTheParsersKeys) {
  const std::string source = GANGWAY_SOURCE_DIR;
  auto full = replace_all(read(source + "/tests/config/full_config.json"), "${SOURCE_DIR}", source);
  ASSERT_FALSE(full.empty());
  auto parsed = accepted_config_keys(full);
  ASSERT_EQ(parsed.error, "") << "tests/config/full_config.json must parse";
  for (const auto& section : parsed.absent_sections)
    ADD_FAILURE() << "tests/config/full_config.json has no " << section
                  << ": add it, so that the keys under it are known to this test";

  std::string problems;
  auto documented = documented_keys(read(source + "/docs/configuration.md"), &problems);
  EXPECT_EQ(problems, "");
  for (const auto& k : parsed.keys)
    if (!documented.count(k))
      ADD_FAILURE() << "the parser accepts " << k << ", which docs/configuration.md does not list";
  for (const auto& k : documented)
    if (!parsed.keys.count(k))
      ADD_FAILURE() << "docs/configuration.md lists " << k << ", which the parser does not accept";
}

// The test's own reading of a table, on a doc made up for it: it cannot pass
// by reading nothing.
TEST(ConfigDoc, TheTableReaderFindsKeysUnderTheirPrefix) {
  std::string problems;
  auto keys = documented_keys(
      "<!-- config-keys: apps[] -->\n"
      "| key | meaning |\n|---|---|\n"
      "| `name`, `jwt.keys[].alg` | x `not.a.key.here` |\n"
      "| `callouts.<name>.path` | y |\n"
      "| `nkey` (`U…`) | z |\n"
      "\n"
      "| `unmarked` | not read |\n",
      &problems);
  EXPECT_EQ(problems, "");
  EXPECT_EQ(keys, (std::set<std::string>{"apps[].name", "apps[].jwt.keys[].alg", "apps[].callouts.*.path",
                                         "apps[].nkey"}));
  documented_keys("| `x` |\n", &problems);
  EXPECT_NE(problems, "");
}

}  // namespace
}  // namespace gangway
