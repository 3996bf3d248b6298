#include "deploy/demo_backend/options.hpp"

#include <charconv>
#include <string_view>

#include "gateway/core/subject.hpp"

namespace demo {

namespace {

// "127.0.0.1:8001", "[::1]:8001" or "localhost:0".
bool parse_listen(std::string_view v, Options& o) {
  auto colon = v.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view host = v.substr(0, colon), port = v.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int p = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p < 0 || p > 65535 || host.empty())
    return false;
  o.host = host;
  o.port = p;
  return true;
}

// Dot-separated subject tokens, none of them a wildcard.
bool valid_prefix(std::string_view p) {
  while (true) {
    auto dot = p.find('.');
    if (!gangway::is_valid_id(p.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    p.remove_prefix(dot + 1);
  }
}

}  // namespace

std::string usage() {
  return "usage: GANGWAY_JWT_SECRET=SECRET gangway-demo-backend [--listen HOST:PORT] [--nats URL]\n"
         "                            [--issuer ISS] [--audience AUD] [--subject-prefix PREFIX] [--demo-page DIR]\n"
         "  GANGWAY_JWT_SECRET  HS256 secret for the access tokens (required; the environment keeps it out of ps)\n"
         "  --listen          address to serve HTTP on (default 127.0.0.1:8001; port 0 picks one)\n"
         "  --nats            NATS server URL (default nats://127.0.0.1:4222); retried until reachable\n"
         "  --jwt-secret      the secret on the command line instead (tests only: any local user can read it)\n"
         "  --issuer          iss claim (default gangway-demo)\n"
         "  --audience        aud claim (default gangway)\n"
         "  --subject-prefix  NATS subject prefix (default gw)\n"
         "  --demo-page       directory served at /demo/ (the browser demo, deploy/demo-page)\n";
}

std::variant<Options, ShowHelp, std::string> parse_options(int argc, char** argv, const char* secret_from_env) {
  Options o;
  if (secret_from_env) o.jwt_secret = secret_from_env;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return ShowHelp{};
    if (i + 1 >= argc) return "missing value for " + std::string(arg);
    std::string value = argv[++i];
    if (arg == "--listen") {
      if (!parse_listen(value, o)) return "bad --listen (want HOST:PORT): " + value;
    } else if (arg == "--nats") {
      o.nats_url = value;
    } else if (arg == "--jwt-secret") {
      o.jwt_secret = value;
    } else if (arg == "--issuer") {
      o.issuer = value;
    } else if (arg == "--audience") {
      o.audience = value;
    } else if (arg == "--subject-prefix") {
      if (!valid_prefix(value)) return "bad --subject-prefix (dot-separated [A-Za-z0-9_-] tokens): " + value;
      o.subject_prefix = value;
    } else if (arg == "--demo-page") {
      o.demo_page_dir = value;
    } else {
      return "unknown option " + std::string(arg);
    }
  }
  if (o.jwt_secret.empty())
    return std::string("no JWT secret: set ") + kJwtSecretEnv + " in the environment (or pass --jwt-secret)";
  return o;
}

}  // namespace demo
