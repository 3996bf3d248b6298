#pragma once
// An app's HTTP pass-through, as configured (docs/configuration.md,
// "HTTP pass-through"): which requests on the app's listener go to its
// backend, and the limits and timeouts they get there and back.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gangway::proxy {

struct Options {
  bool enabled = false;
  // Paths passed through (a prefix of the path, as sent); empty: every path.
  std::vector<std::string> prefixes;
  std::chrono::milliseconds connect_timeout{2000};  // a new backend connection (504 beyond)
  // Each read from, and write to, the backend: its answer's header must
  // begin within it (504 beyond), and each piece of its body.
  std::chrono::milliseconds read_timeout{30000};
  // Each read of a request's body from the client, each write of an answer to it.
  std::chrono::milliseconds client_timeout{30000};
  // An idle client connection between two requests is closed after this.
  std::chrono::milliseconds idle_timeout{60000};
  std::size_t max_header_bytes = 16 * 1024;        // request header (431 beyond); answer header (502)
  std::uint64_t max_body_bytes = 10 * 1024 * 1024;  // request body (413 beyond); answers are not limited
  std::size_t pool_size = 32;                       // idle backend connections kept per loop
  std::chrono::milliseconds pool_idle{4000};        // an idle backend connection older than this is closed
  // Behind a proxy the gateway trusts: X-Forwarded-For is appended to and
  // X-Forwarded-Proto/-Host are kept; else (the gateway is the edge) all
  // three are replaced, so a client cannot forge them.
  bool trust_forwarded = false;
  // The client's Host goes to the backend (true), or the backend's own (false).
  bool preserve_host = true;

  // Enabled and `path` (no query string) starts with one of the prefixes.
  bool passes(std::string_view path) const {
    if (!enabled) return false;
    if (prefixes.empty()) return !path.empty() && path.front() == '/';
    for (const auto& p : prefixes)
      if (path.substr(0, p.size()) == p) return true;
    return false;
  }
};

}  // namespace gangway::proxy
