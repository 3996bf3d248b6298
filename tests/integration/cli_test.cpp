// The command line, run as an operator would: --help, --version, usage
// mistakes, and --check-config on the README's line and on each mistake it
// must catch (the messages themselves are tested in tests/config and
// tests/app; here, that the binary prints them and exits 1).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "tests/support/process.hpp"

namespace gangway::test {
namespace {

struct Run {
  int status = -1;  // exit code
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `gangway <args>` from the source tree (the README's commands are run
// there), without GANGWAY_JWT_SECRET; `env` is prepended (VAR=value …).
Run gangway(const std::string& args, const std::string& env = "") {
  TempDir dir;
  std::string command = "cd " GANGWAY_SOURCE_DIR " && env -u GANGWAY_JWT_SECRET " + env + " " GANGWAY_BIN " " + args +
                        " >" + dir.path() + "/out 2>" + dir.path() + "/err";
  int status = std::system(command.c_str());
  Run r;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir.path() + "/out");
  r.err = slurp(dir.path() + "/err");
  return r;
}

TEST(Cli, HelpListsTheOptions) {
  auto r = gangway("--help");
  EXPECT_EQ(r.status, 0) << r.err;
  for (const char* option : {"--config", "--check-config", "--log-level", "--version", "--help"})
    EXPECT_NE(r.out.find(option), std::string::npos) << option << " in:\n" << r.out;
}

TEST(Cli, VersionSaysHowTheBinaryWasBuilt) {
  auto r = gangway("--version");
  EXPECT_EQ(r.status, 0) << r.err;
  // First line "gangway <version>" (deploy/debian and the benchmarks read it), then the build.
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(^gangway \d+\.\d+\.\d+\n)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\ncommit: ([0-9a-f]{12}(-dirty)?|unknown)\n)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nbuild type: \w+\n)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\ncompiler: (GNU|Clang) [0-9.]+\n)"))) << r.out;
}

TEST(Cli, UsageMistakesExitWith2AndSayWhy) {
  auto unknown = gangway("--confg deploy/gangway.demo.json");
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("--confg"), std::string::npos) << unknown.err;
  auto no_config = gangway("--check-config");
  EXPECT_EQ(no_config.status, 2);
  EXPECT_NE(no_config.err.find("--config"), std::string::npos) << no_config.err;
  auto level = gangway("--config deploy/gangway.demo.json --log-level chatty");
  EXPECT_EQ(level.status, 2);
  EXPECT_NE(level.err.find("chatty"), std::string::npos) << level.err;
  auto missing_value = gangway("--config");
  EXPECT_EQ(missing_value.status, 2) << missing_value.err;
}

// README.md, "Run your own": the line works as written, where the demo's
// secret is not set, and says which variable to set.
TEST(Cli, TheReadmesCheckConfigLineWorksAsWritten) {
  auto r = gangway("--config deploy/gangway.demo.json --check-config");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            "config ok: 5 app(s)\n"
            "set before starting: GANGWAY_JWT_SECRET (config.apps[0].jwt.keys[0].secret_env and 3 more)\n");
  EXPECT_EQ(r.err, "");
  // With the secret set, it is checked too.
  auto weak = gangway("--config deploy/gangway.demo.json --check-config", "GANGWAY_JWT_SECRET=too-short");
  EXPECT_EQ(weak.status, 1);
  EXPECT_NE(weak.err.find("an HS256 secret needs at least 32 bytes"), std::string::npos) << weak.err;
  EXPECT_EQ(weak.err.find("too-short"), std::string::npos) << "never the secret";
}

// Each mistake of issue 27, through the binary: exit 1, the message on stderr.
TEST(Cli, CheckConfigRefusesEachMistakeWithItsMessage) {
  auto demo = nlohmann::json::parse(slurp(GANGWAY_SOURCE_DIR "/deploy/gangway.demo.json"));
  struct Case {
    const char* what;
    std::function<void(nlohmann::json&)> spoil;
    const char* message;
  };
  const Case cases[] = {
      {"unknown key", [](auto& j) { j["apps"][0]["limtis"] = j["apps"][0]["limits"]; },
       "config.apps[0].limtis: unknown key; did you mean limits?\n"},
      {"malformed port", [](auto& j) { j["apps"][0]["listen"] = "127.0.0.1:1900x"; },
       "config.apps[0].listen: '127.0.0.1:1900x' has a malformed port (want 0 to 65535)\n"},
      {"two apps on one port", [](auto& j) { j["apps"][1]["listen"] = j["apps"][0]["listen"]; },
       "config.apps[1].listen: 127.0.0.1:8000 is also the port of config.apps[0] (app tribe); each app needs a "
       "port of its own\n"},
      {"an app on the admin port", [](auto& j) { j["apps"][0]["listen"] = j["admin"]["listen"]; },
       "config.apps[0].listen: 127.0.0.1:9100 is also the port of config.admin.listen\n"},
      {"a parameter nothing fills",
       [](auto& j) { j["apps"][1]["routes"][0] = "/ws/dms/{dm_id}"; },
       "config.apps[1].callouts.dm_access.path: nothing fills {thread_id} (the routes have dm_id, user_id, "
       "place_id; user_id)\n"},
      {"a short HS256 secret", [](auto& j) { j["apps"][0]["jwt"]["keys"][0] = {{"alg", "HS256"}, {"secret", "12345"}}; },
       "config.apps[0].jwt.keys[0]: an HS256 secret needs at least 32 bytes (RFC 7518, 3.2); this one has 5\n"},
  };
  TempDir dir;
  for (const auto& c : cases) {
    auto j = demo;
    c.spoil(j);
    std::ofstream(dir.path() + "/bad.json") << j.dump(2);
    auto r = gangway("--config " + dir.path() + "/bad.json --check-config");
    EXPECT_EQ(r.status, 1) << c.what;
    EXPECT_EQ(r.err, c.message) << c.what;
    EXPECT_EQ(r.out, "") << c.what;
  }
  // A JSON syntax error, with its line and column.
  std::ofstream(dir.path() + "/bad.json") << "{\n  \"threads\": 2,\n  \"apps\": [}\n";
  auto r = gangway("--config " + dir.path() + "/bad.json --check-config");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind("config is not valid JSON: line 3, column 12: ", 0), 0u) << r.err;
}

}  // namespace
}  // namespace gangway::test
