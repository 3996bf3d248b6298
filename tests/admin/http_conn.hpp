#pragma once
// A blocking HTTP/1.1 client on one TCP connection that sends bytes exactly as
// given (partial requests, oversized headers, garbage) and reads answers, for
// the admin server's tests.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gangway::test {

struct HttpAnswer {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  std::string header(std::string_view name) const;  // case-insensitive; "" if absent
};

class HttpConn {
 public:
  explicit HttpConn(int port);  // connects to 127.0.0.1:port (fails the test if it cannot)
  ~HttpConn();
  HttpConn(const HttpConn&) = delete;
  HttpConn& operator=(const HttpConn&) = delete;

  bool send(std::string_view bytes);  // false once the server closed or reset the connection
  // The next answer (its body by Content-Length; none for `head`); nullopt if
  // the connection closed first or nothing came within `timeout`.
  std::optional<HttpAnswer> read_answer(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                        bool head = false);
  // Reads and drops until the server closes or resets the connection: true
  // if it did within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout);
  // Nothing to read and not closed by the server, right now.
  bool open_now();

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);  // reads more into pending_
  int fd_ = -1;
  bool eof_ = false;
  std::string pending_;
};

// Polls `cond` until it holds (true) or `timeout` passes (false).
bool eventually_true(const std::function<bool()>& cond, std::chrono::milliseconds timeout);

// One GET on a fresh connection; status 0 if no answer came.
HttpAnswer http_get(int port, const std::string& target);

}  // namespace gangway::test
