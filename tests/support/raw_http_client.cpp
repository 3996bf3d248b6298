#include "tests/support/raw_http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <limits>

namespace gangway::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

RawHttpClient::RawHttpClient(int port) : socket_(io_) {
  beast::error_code ec;
  socket_.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
  if (ec) ADD_FAILURE() << "cannot connect to port " << port << ": " << ec.message();
}

// Runs one asynchronous operation (`start(done)`) for at most `timeout`.
template <class Start>
bool RawHttpClient::run(Start start, std::chrono::milliseconds timeout) {
  bool finished = false;
  beast::error_code result;
  start([&](beast::error_code ec) {
    finished = true;
    result = ec;
  });
  io_.restart();
  io_.run_for(timeout);
  if (!finished) {
    beast::error_code ignored;
    socket_.cancel(ignored);
    io_.restart();
    io_.run();
    return false;
  }
  return !result;
}

bool RawHttpClient::send(std::string_view bytes, std::chrono::milliseconds timeout) {
  return run(
      [&](auto done) {
        asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                          [done](beast::error_code ec, std::size_t) { done(ec); });
      },
      timeout);
}

std::optional<RawResponse> RawHttpClient::read(std::chrono::milliseconds timeout, bool head, bool interim) {
  for (;;) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (head) parser.skip(true);
    bool ok = run([&](auto done) {
      http::async_read(socket_, buffer_, parser, [done](beast::error_code ec, std::size_t) { done(ec); });
    }, timeout);
    if (!ok) return std::nullopt;
    auto res = parser.release();
    if (!interim && res.result_int() >= 100 && res.result_int() < 200) continue;
    return res;
  }
}

bool RawHttpClient::closed_within(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    beast::error_code got;
    bool finished = false;
    char sink[4096];
    socket_.async_read_some(asio::buffer(sink), [&](beast::error_code ec, std::size_t) {
      finished = true;
      got = ec;
    });
    io_.restart();
    io_.run_for(left);
    if (!finished) {
      beast::error_code ignored;
      socket_.cancel(ignored);
      io_.restart();
      io_.run();
      return false;
    }
    if (got) return true;  // EOF or reset
  }
}

std::string RawHttpClient::pending() const {
  auto d = buffer_.data();
  return {static_cast<const char*>(d.data()), d.size()};
}

bool RawHttpClient::read_until(std::string_view needle, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pending().find(needle) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    bool ok = run([&](auto done) {
      socket_.async_read_some(buffer_.prepare(4096), [this, done](beast::error_code ec, std::size_t n) {
        buffer_.commit(n);
        done(ec);
      });
    }, left);
    if (!ok) return false;
  }
  return true;
}

std::string get_request(const std::string& target, const std::string& extra) {
  return "GET " + target + " HTTP/1.1\r\nHost: gateway.test\r\n" + extra + "\r\n";
}

std::string post_request(const std::string& target, const std::string& body, const std::string& extra) {
  return "POST " + target + " HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + extra + "\r\n" + body;
}

}  // namespace gangway::test
