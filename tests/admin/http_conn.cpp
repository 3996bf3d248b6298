#include "tests/admin/http_conn.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <thread>

namespace gangway::test {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::string HttpAnswer::header(std::string_view name) const {
  auto h = lower(head), key = "\r\n" + lower(name) + ":";
  auto at = h.find(key);
  if (at == std::string::npos) return "";
  auto start = head.find_first_not_of(' ', at + key.size());
  return head.substr(start, head.find("\r\n", start) - start);
}

HttpConn::HttpConn(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << "connect to " << port;
}

HttpConn::~HttpConn() {
  if (fd_ >= 0) ::close(fd_);
}

bool HttpConn::send(std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool HttpConn::fill(std::chrono::steady_clock::time_point deadline) {
  if (eof_) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0))) <= 0) return false;
  char buf[4096];
  auto n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    eof_ = true;  // closed or reset
    return false;
  }
  pending_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::optional<HttpAnswer> HttpConn::read_answer(std::chrono::milliseconds timeout, bool head) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t end;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos)
    if (!fill(deadline)) return std::nullopt;
  HttpAnswer a;
  a.head = pending_.substr(0, end + 2);
  pending_.erase(0, end + 4);
  a.status = a.head.size() > 12 ? std::atoi(a.head.c_str() + 9) : 0;
  std::size_t length = head ? 0 : std::strtoul(a.header("Content-Length").c_str(), nullptr, 10);
  while (pending_.size() < length)
    if (!fill(deadline)) return std::nullopt;
  a.body = pending_.substr(0, length);
  pending_.erase(0, length);
  return a;
}

bool HttpConn::closed_within(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fill(deadline)) pending_.clear();
  return eof_;
}

bool HttpConn::open_now() {
  if (eof_) return false;
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}

bool eventually_true(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

HttpAnswer http_get(int port, const std::string& target) {
  HttpConn c(port);
  c.send("GET " + target + " HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
  return c.read_answer().value_or(HttpAnswer{});
}

}  // namespace gangway::test
