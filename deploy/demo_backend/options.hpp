#pragma once
// Command line of gangway-demo-backend.
#include <string>
#include <variant>

namespace demo {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8001;  // 0: any free port (the ready line says which)
  std::string nats_url = "nats://127.0.0.1:4222";
  std::string jwt_secret;
  std::string issuer = "gangway-demo";
  std::string audience = "gangway";
  std::string subject_prefix = "gw";
};

struct ShowHelp {};

// Options, ShowHelp for --help, or an error message for bad arguments.
std::variant<Options, ShowHelp, std::string> parse_options(int argc, char** argv);

std::string usage();

}  // namespace demo
