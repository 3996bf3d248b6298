#pragma once
// Command line of gangway-demo-backend.
#include <string>
#include <variant>

namespace demo {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8001;  // 0: any free port (the ready line says which)
  std::string nats_url = "nats://127.0.0.1:4222";
  std::string jwt_secret;  // from $GANGWAY_JWT_SECRET (or --jwt-secret, which `ps` shows)
  std::string issuer = "gangway-demo";
  std::string audience = "gangway";
  std::string subject_prefix = "gw";
  std::string demo_page_dir;  // served at /demo/ when set (deploy/demo-page)
};

struct ShowHelp {};

// The environment variable the JWT secret is read from when --jwt-secret is
// not given: a secret on the command line is visible to every local user.
inline constexpr const char* kJwtSecretEnv = "GANGWAY_JWT_SECRET";

// Options, ShowHelp for --help, or an error message for bad arguments.
// `secret_from_env` is $GANGWAY_JWT_SECRET (nullptr when unset).
std::variant<Options, ShowHelp, std::string> parse_options(int argc, char** argv, const char* secret_from_env);

std::string usage();

}  // namespace demo
