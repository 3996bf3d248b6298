#pragma once
// One request passed through: its header and body to the backend, then the
// backend's answer to the client, each streamed through one fixed buffer
// (kChunk), so a body of any size, with a length or chunked, costs the same
// memory; never two reads or two writes in flight on a side.
//
// The gateway answers itself only while nothing of the backend's answer has
// gone out: 400 (a malformed body, a path that leaves the prefixes, a
// transfer coding other than chunked), 413 (a body over max_body_bytes),
// 502 (no connection, a refused or reset one, an answer that is not HTTP or
// whose header is too large), 504 (connect or read timeout). Afterwards a
// failure can only cut the answer short (the client sees the connection close).
// A client that leaves gives the backend connection up (closed, not pooled):
// while its body is read, and while the backend's answer is awaited
// (watch_client()), rather than after read_timeout.
//
// A request without a body whose method is idempotent is sent again, once,
// on a new connection if a pooled connection turns out closed before any
// answer came (the backend closed it idle just as it was taken).
//
// Threads: everything runs on the client connection's loop; pending
// operations hold the exchange, and `done` holds the client connection.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "gateway/proxy/upstream.hpp"

namespace gangway::proxy {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

struct Outcome {
  unsigned answer = 0;      // the client must be answered with this status, and the connection closed; 0: not
  bool keep_alive = false;  // the answer went out whole: the client's next request may follow
};

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  using Done = std::function<void(Outcome)>;
  static constexpr std::size_t kChunk = 32 * 1024;

  // `request` has its header read (and no byte of its body); `client` and
  // `client_buffer` belong to the client connection, which outlives the
  // exchange (`done` holds it). `done` runs once, on the loop.
  Exchange(Upstream& upstream, std::size_t loop, Stream& client, boost::beast::flat_buffer& client_buffer,
           std::unique_ptr<RequestParser> request, Done done);
  ~Exchange();

  void start();

 private:
  using RequestSerializer = boost::beast::http::serializer<true, boost::beast::http::buffer_body>;
  using ResponseParser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;
  using ResponseSerializer = boost::beast::http::serializer<false, boost::beast::http::buffer_body>;

  // The request (exchange.cpp)
  unsigned refusal() const;  // 400/501 for a request that is not passed on, else 0
  void frame_request();
  void acquire(bool fresh);
  void on_connected(boost::beast::error_code ec, std::unique_ptr<BackendConnection> connection);
  void send_continue();
  void read_body();
  void on_body_read(boost::beast::error_code ec);
  void write_request();
  void on_request_written(boost::beast::error_code ec);
  bool retryable(boost::beast::error_code ec) const;
  void retry();

  // The answer (exchange_answer.cpp)
  void watch_client();
  void on_client_readable(boost::beast::error_code ec, unsigned watch);
  void stop_watching();
  void read_answer_header();
  void on_answer_header(boost::beast::error_code ec);
  void frame_answer();
  void relay_answer();
  void on_answer_read(boost::beast::error_code ec);
  void write_answer();
  void on_answer_written(boost::beast::error_code ec);
  void finish();

  void fail(unsigned status);  // an answer of the gateway's own, if none has begun; else abort()
  void abort();                // the answer is cut short
  void complete(Outcome outcome);

  Upstream& upstream_;
  std::size_t loop_;
  Stream& client_;
  boost::beast::flat_buffer& client_buffer_;
  std::unique_ptr<RequestParser> request_;
  Done done_;
  std::unique_ptr<BackendConnection> backend_;
  std::optional<RequestSerializer> request_out_;
  std::optional<ResponseParser> answer_;
  std::optional<ResponseSerializer> answer_out_;
  std::unique_ptr<char[]> chunk_;
  unsigned client_version_ = 11;
  bool head_ = false;             // a HEAD request: the answer has no body whatever its header says
  bool expects_continue_ = false; // the client waits for 100 Continue before its body
  bool replayable_ = false;       // idempotent and bodiless: may be sent again (retryable())
  bool retried_ = false;
  bool client_keep_alive_ = false;
  bool answer_started_ = false;   // a byte of the backend's answer may have reached the client
  unsigned watch_ = 0;            // the client watch in force (watch_client()); 0: none
  unsigned watches_ = 0;          // watches begun, to tell a stale completion from the current one
  bool client_gone_ = false;      // the client left while the answer was awaited
};

}  // namespace gangway::proxy
