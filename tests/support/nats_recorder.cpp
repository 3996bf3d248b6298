#include "tests/support/nats_recorder.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <vector>

#include "tests/support/contract_log.hpp"

namespace gangway::test {

namespace {

constexpr const char* kSubscribe =
    "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"name\":\"contract-recorder\"}\r\n"
    "SUB gw.in.> 1\r\nSUB gw.out.> 2\r\nPING\r\n";

bool send_all(int fd, const std::string& s) {
  return ::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
}

// "NATS/1.0\r\nName: value\r\n…\r\n\r\n" -> pairs.
std::vector<std::pair<std::string, std::string>> parse_headers(const std::string& block) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(block);
  std::string line;
  std::getline(in, line);  // the version line
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    out.emplace_back(line.substr(0, colon), value);
  }
  return out;
}

}  // namespace

NatsRecorder::NatsRecorder(int port) : port_(port) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!connect_and_subscribe() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  thread_ = std::thread([this] { run(); });
}

NatsRecorder::~NatsRecorder() {
  stopping_ = true;
  if (int fd = fd_.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
  thread_.join();
  if (int fd = fd_.load(); fd >= 0) ::close(fd);
}

bool NatsRecorder::connect_and_subscribe() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || !send_all(fd, kSubscribe)) {
    ::close(fd);
    return false;
  }
  if (int old = fd_.exchange(fd); old >= 0) ::close(old);
  buffer_.clear();
  std::string line;
  while (read_line(line)) {  // INFO first, then the PONG that proves the SUBs are in place
    if (line == "PONG") return true;
    if (line.rfind("-ERR", 0) == 0) break;
  }
  return false;
}

bool NatsRecorder::read_line(std::string& line) {
  while (true) {
    auto end = buffer_.find("\r\n");
    if (end != std::string::npos) {
      line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return true;
    }
    char chunk[65536];
    ssize_t n = ::recv(fd_.load(), chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

bool NatsRecorder::read_exact(std::size_t n, std::string& out) {
  while (buffer_.size() < n + 2) {
    char chunk[65536];
    ssize_t got = ::recv(fd_.load(), chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(got));
  }
  out = buffer_.substr(0, n);
  buffer_.erase(0, n + 2);
  return true;
}

void NatsRecorder::run() {
  while (!stopping_) {
    std::string line;
    if (!read_line(line)) {
      // The server went away (a restart test): subscribe again once it is back.
      while (!stopping_ && !connect_and_subscribe())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    if (line == "PING") {
      send_all(fd_.load(), "PONG\r\n");
      continue;
    }
    std::istringstream in(line);
    std::string op, subject, sid;
    std::vector<std::string> rest;
    in >> op >> subject >> sid;
    for (std::string t; in >> t;) rest.push_back(t);
    if ((op != "MSG" && op != "HMSG") || rest.empty()) continue;
    std::size_t total = std::stoul(rest.back());
    std::size_t header_len = op == "HMSG" && rest.size() >= 2 ? std::stoul(rest[rest.size() - 2]) : 0;
    std::string payload;
    if (!read_exact(total, payload)) continue;
    record_nats(subject, parse_headers(payload.substr(0, header_len)), payload.substr(header_len));
  }
}

}  // namespace gangway::test
