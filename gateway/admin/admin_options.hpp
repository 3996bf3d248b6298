#pragma once
// The admin listener's limits (config `admin.*`, docs/configuration.md). A
// plain struct, so the config can hold it without the server's headers.
#include <chrono>
#include <cstddef>

namespace gangway {

struct AdminOptions {
  // Open connections at most; one more is answered 503 and closed.
  std::size_t max_connections = 64;
  // A request must arrive whole (headers and body) within this, counted from
  // the connection's accept or, on a kept-alive connection, its first byte.
  std::chrono::milliseconds request_timeout{5000};
  // A kept-alive connection with no request for this long is closed.
  std::chrono::milliseconds idle_timeout{15000};
  std::size_t max_header_bytes = 8192;  // request line and headers: beyond, 431 (414 if the line alone is)
  std::size_t max_target_bytes = 2048;  // the request target: beyond, 414
  std::size_t max_body_bytes = 65536;   // beyond, 413
  // A connection we close keeps reading (and dropping) what the client still
  // sends for at most this long, so that the close does not reset the
  // connection before the client has read our last answer.
  std::chrono::milliseconds linger_timeout{2000};
};

}  // namespace gangway
