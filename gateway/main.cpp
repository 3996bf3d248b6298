// gangway: parses arguments, loads the config, runs the gateway until SIGTERM/SIGINT
// (SIGHUP reloads the TLS certificates).
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>

#include "gateway/app/gateway.hpp"
#include "gateway/core/open_files.hpp"

#ifndef GANGWAY_VERSION
#define GANGWAY_VERSION "dev"
#endif

namespace {

int usage() {
  std::cerr << "usage: gangway --config FILE [--check-config]\n       gangway --version\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--version") {
      std::cout << "gangway " << GANGWAY_VERSION << "\n";
      return 0;
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else {
      return usage();
    }
  }
  if (config_path.empty()) return usage();

  auto config = gangway::load_config(config_path);
  if (!config) {
    std::cerr << "gangway: " << config.error() << "\n";
    return 1;
  }
  if (check_only) {
    auto problems = gangway::Gateway::check(*config);
    if (!problems.empty()) {
      std::cerr << problems;
      return 1;
    }
    std::cout << "config ok: " << config->apps.size() << " app(s)\n";
    return 0;
  }

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
    gateway.start();
    std::cout << "{\"level\":\"info\",\"msg\":\"gangway listening\",\"ports\":[";
    auto ports = gateway.app_ports();
    for (std::size_t i = 0; i < ports.size(); ++i) std::cout << (i ? "," : "") << ports[i];
    std::cout << "],\"admin_port\":" << gateway.admin_port() << "}" << std::endl;
    int sig = 0;
    while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) gateway.reload_tls();
    std::cout << "{\"level\":\"info\",\"msg\":\"draining\",\"signal\":\"" << strsignal(sig) << "\"}" << std::endl;
    gateway.drain(std::chrono::seconds(10));
  } catch (const std::exception& e) {
    std::cerr << "gangway: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
