#pragma once
// A blocking HTTP/1.1 client on one TCP connection for the pass-through
// tests: sends bytes exactly as given (a chunked body, an oversized header,
// pipelined requests) and reads answers with Beast's strict parser, so a
// badly framed answer from the gateway fails the read. Every wait is bounded.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gangway::test {

using RawResponse = boost::beast::http::response<boost::beast::http::string_body>;

class RawHttpClient {
 public:
  explicit RawHttpClient(int port);  // connects to 127.0.0.1:port (fails the test if it cannot)

  // Writes all of `bytes`; false if the connection failed or `timeout` passed.
  bool send(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The next answer; nullopt if the connection closed (or the answer was cut
  // short, or badly framed) or nothing whole came within `timeout`. `head`:
  // the answer to a HEAD request (no body). `interim`: 1xx answers are returned too.
  std::optional<RawResponse> read(std::chrono::milliseconds timeout = std::chrono::seconds(10), bool head = false,
                                  bool interim = false);
  // Reads until the server closes: true if it did within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout);
  // Bytes read but not yet parsed (the start of what follows an answer).
  std::string pending() const;
  // Reads raw bytes until pending() holds `needle`: false if it did not within `timeout`.
  bool read_until(std::string_view needle, std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  template <class Start>
  bool run(Start start, std::chrono::milliseconds timeout);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// "GET <target> HTTP/1.1" with Host and `extra` header lines ("Name: value\r\n" each).
std::string get_request(const std::string& target, const std::string& extra = "");
// A POST of `body` with its Content-Length.
std::string post_request(const std::string& target, const std::string& body, const std::string& extra = "");

}  // namespace gangway::test
