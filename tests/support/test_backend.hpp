#pragma once
// A real HTTP backend for the callout tests: an httplib::Server on an
// ephemeral loopback port, run on its own thread, that records every request.
//
// Default answers by path: /status/NNN → NNN with {"ok":true};
// /participant/true|false → {"participant": …}; /text → a non-JSON 200;
// /slow and /slow/… → wait until release() (or 10 s), then 200; /trickle → a chunked 200
// that sends one byte every 100 ms until release() (or 30 s): every read
// gets a byte well within any read timeout; /session → {"user_id": N,
// "username": "userN"} for "Cookie: session_id=N" (N a number), else 401.
// Anything else → 200 {"ok":true}, unless answer() set that path's answer.
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gangway::test {

struct SeenRequest {
  std::string method;
  std::string target;  // as sent, still percent-encoded
  std::string path;    // decoded by httplib
  httplib::Headers headers;
  std::string body;
  std::string header(const std::string& name) const;
};

class TestBackend {
 public:
  TestBackend();
  ~TestBackend();  // releases /slow, stops the server, joins its thread

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<SeenRequest> requests();
  std::size_t request_count();
  // True once at least `n` requests have arrived (before their answers are sent).
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void release();  // lets every /slow request (now and later) answer
  // From now on, requests for exactly `path` get `status` and `body` (JSON);
  // status 0 holds them like /slow, then answers 200 with `body`.
  void answer(const std::string& path, int status, std::string body);

 private:
  void handle(const httplib::Request& req, httplib::Response& res);

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<SeenRequest> seen_;
  std::map<std::string, std::pair<int, std::string>> answers_;
  bool released_ = false;
};

}  // namespace gangway::test
