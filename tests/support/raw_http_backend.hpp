#pragma once
// A backend for the pass-through tests that shows what crossed the gateway:
// Beast on blocking sockets, a thread per connection, on an ephemeral
// loopback port. Counts the connections it accepted and records every
// request (header and body) it read.
//
// Answers by path (the query is ignored but for n):
//   /p/echo          200, the request's body back (Content-Length)
//   /p/chunked?n=N   200, N bytes ('a'..'z' repeated) in chunks of 1000
//   /p/close         200 "closing", Connection: close, then closes
//   /p/slow          waits until release() (or 10 s), then 200 "late"
//   /p/garbage       "NOT HTTP AT ALL\r\n\r\n", then closes
//   /p/bighead       200 with a 20 KiB header field
//   /p/truncate      Content-Length 1000 but 10 bytes, then closes
//   /p/hangup        closes without a byte of answer
//   /p/halfhead      half a status line and header, then closes
//   /p/hop           200 with hop-by-hop fields (Connection: X-Drop, X-Drop,
//                    Keep-Alive, Proxy-Authenticate) and X-Keep: 1
//   anything else    200 "ok"
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/fields.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gangway::test {

struct RawSeenRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names; repeated fields joined with ", "
  std::string body;
  bool has(const std::string& lower_name) const { return headers.count(lower_name) > 0; }
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

class RawHttpBackend {
 public:
  RawHttpBackend();
  ~RawHttpBackend();  // releases /p/slow, closes every connection, joins the threads

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::size_t connections() const { return connections_.load(); }
  std::vector<RawSeenRequest> requests();
  std::size_t request_count();
  // The last request whose target starts with `prefix`; empty method if none.
  RawSeenRequest last(const std::string& prefix);
  // Targets whose header was read (before their body), and those whose
  // connection ended before their body did (the gateway gave up on them).
  bool started(const std::string& target);
  bool cut_short(const std::string& target);
  void release();

 private:
  void accept_loop();
  void serve(int fd);
  // Answers one request; false when the connection is to close.
  bool answer(boost::asio::ip::tcp::socket& s, const RawSeenRequest& seen);
  bool answer_raw(boost::asio::ip::tcp::socket& s, const std::string& path, const std::string& target);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::atomic<std::size_t> connections_{0};
  std::mutex mutex_;
  std::condition_variable released_cv_;
  bool released_ = false;
  std::vector<RawSeenRequest> seen_;
  std::vector<std::string> started_, cut_short_;
};

}  // namespace gangway::test
