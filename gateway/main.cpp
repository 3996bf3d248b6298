// gangway: the command line, the config, then the gateway until SIGTERM/SIGINT
// (SIGHUP reloads the TLS certificates).
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "gateway/app/gateway.hpp"
#include "gateway/core/build_info.hpp"
#include "gateway/core/log.hpp"
#include "gateway/core/open_files.hpp"

namespace gangway {
BuildInfo compiled_build_info();  // written by the build (cmake/build_info.cmake)
}

namespace {

using gangway::LogLevel;

// How long SIGTERM waits for the sockets' close handshakes (docs/deployment.md).

std::string version_text() {
  const auto& b = gangway::build_info();
  return "gangway " + b.version + "\ncommit: " + (b.commit.empty() ? "unknown" : b.commit) +
         "\nbuild type: " + b.build_type + "\ncompiler: " + b.compiler;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// --check-config: each problem on a line of its own (stderr) and exit 1; else
// "config ok" and the environment variables the config's secrets still need
// (the check runs where the secrets are not, e.g. in CI).
int check_config(const std::string& path) {
  auto config = gangway::load_config(path, gangway::Secrets::deferred);
  if (!config) {
    for (const auto& line : lines_of(config.error())) std::cerr << line << "\n";
    return 1;
  }
  if (auto problems = gangway::Gateway::check(*config); !problems.empty()) {
    for (const auto& line : lines_of(problems)) std::cerr << line << "\n";
    return 1;
  }
  std::cout << "config ok: " << config->apps.size() << " app(s)\n";
  std::map<std::string, std::vector<std::string>> needed;  // variable -> the keys that name it
  for (const auto& unset : config->unset_env) needed[unset.variable].push_back(unset.key);
  for (const auto& [variable, keys] : needed) {
    std::cout << "set before starting: " << variable << " (" << keys.front();
    if (keys.size() > 1) std::cout << " and " << keys.size() - 1 << " more";
    std::cout << ")\n";
  }
  return 0;
}

// A start that failed, in the log's format, on stderr.
int cannot_start(const std::string& error, const std::string& path) {
  std::string joined;
  for (const auto& line : lines_of(error)) joined += (joined.empty() ? "" : "; ") + line;
  gangway::log_to_stderr(LogLevel::error, "cannot start", {{"error", joined}, {"config", path}});
  return 1;
}

int run(const std::string& path) {
  auto config = gangway::load_config(path);
  if (!config) return cannot_start(config.error(), path);
  gangway::prepare_open_files();
  // Block the signals before any thread starts so that only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // reload the TLS certificates
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    gangway::Gateway gateway(std::move(*config));
    gateway.start();  // logs what listens where
    int sig = 0;
    while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) gateway.reload_tls();
    gangway::log_event(LogLevel::info, "draining", {}, {{"signal", strsignal(sig)}});
    // SIGTERM: the platform replaces the gateway (phased, docs/deployment.md);
    // SIGINT: someone at a terminal, who wants it gone now.
    gateway.drain(sig == SIGINT ? gangway::Gateway::DrainPace::quick : gangway::Gateway::DrainPace::phased);  // logs its summary
  } catch (const std::exception& e) {
    return cannot_start(e.what(), path);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  gangway::set_build_info(gangway::compiled_build_info());
  CLI::App cli("A WebSocket edge gateway for chat products: client sockets in front, NATS behind.\n"
               "docs/configuration.md describes the config file, docs/operations.md the logs and metrics.",
               "gangway");
  std::string config_path;
  bool check_only = false;
  std::string level = "info";
  cli.set_version_flag("--version", version_text, "Print the version and how this binary was built, then exit");
  cli.add_option("--config", config_path, "The config file (JSON)")->type_name("FILE");
  cli.add_flag("--check-config", check_only,
               "Check the config and exit: 0 when it is fine (naming the environment variables its secrets still "
               "need), 1 with one line per problem");
  cli.add_option("--log-level", level, "Leave out log lines below this level")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->default_str("info");
  try {
    cli.parse(argc, argv);
    if (config_path.empty()) throw CLI::RequiredError("--config");
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? 0 : 2;  // --help, --version: 0; a usage mistake: 2
  }
  gangway::set_log_level(*gangway::parse_log_level(level));
  return check_only ? check_config(config_path) : run(config_path);
}
