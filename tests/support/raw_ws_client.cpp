#include "tests/support/raw_ws_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace gangway::test {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string deflate_payload(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, text.size()) + 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_SYNC_FLUSH);
  out.erase(out.size() - z.avail_out);
  deflateEnd(&z);
  return out.substr(0, out.size() - 4);  // the 00 00 ff ff the receiver adds back
}

std::string RawFrame::text() const { return compressed ? inflate_payload(payload) : payload; }

std::string inflate_payload(const std::string& payload) {
  z_stream z{};
  inflateInit2(&z, -15);
  std::string in = payload + std::string("\0\0\xff\xff", 4);
  std::string out(16 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&z, Z_SYNC_FLUSH);
  out.erase(out.size() - z.avail_out);
  inflateEnd(&z);
  return rc == Z_OK || rc == Z_STREAM_END ? out : "<inflate failed>";
}

int RawFrame::close_code() const {
  if (opcode != 8 || payload.size() < 2) return 0;
  return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
}

RawWsClient::RawWsClient(int port, const std::string& target, const std::string& extensions, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
  std::string request = "GET " + target +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  if (!extensions.empty()) request += "Sec-WebSocket-Extensions: " + extensions + "\r\n";
  request += "\r\n";
  if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return;
  std::string head;
  std::size_t end;
  while ((end = head.find("\r\n\r\n")) == std::string::npos) {
    std::string chunk;
    if (!read_exact(chunk, 1, std::chrono::seconds(5))) return;
    head += chunk;
  }
  head.resize(end);  // read a byte at a time: what follows the headers is still in pending_
  if (head.size() > 12) status_ = std::atoi(head.c_str() + 9);  // "HTTP/1.1 101 …"
  for (std::size_t at = head.find("\r\n"); at != std::string::npos;) {
    std::size_t next = head.find("\r\n", at + 2);
    std::string line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
    if (auto colon = line.find(':'); colon != std::string::npos &&
                                      lower(line.substr(0, colon)) == "sec-websocket-extensions")
      extensions_ = line.substr(line.find_first_not_of(' ', colon + 1));
    at = next;
  }
}

RawWsClient::~RawWsClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawWsClient::read_exact(std::string& out, std::size_t n, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < n) {
    if (!pending_.empty()) {
      std::size_t take = std::min(n - out.size(), pending_.size());
      out += pending_.substr(0, take);
      pending_.erase(0, take);
      continue;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[65536];
    ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got <= 0) return false;
    pending_.append(buf, static_cast<std::size_t>(got));
  }
  return true;
}

void RawWsClient::send_frame(int opcode, const std::string& payload, bool rsv1) {
  std::string frame;
  frame += static_cast<char>(0x80 | (rsv1 ? 0x40 : 0) | opcode);
  std::size_t len = payload.size();
  if (len < 126) {
    frame += static_cast<char>(0x80 | len);
  } else if (len <= 0xFFFF) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(len >> 8);
    frame += static_cast<char>(len & 0xFF);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int b = 7; b >= 0; --b) frame += static_cast<char>((std::uint64_t(len) >> (8 * b)) & 0xFF);
  }
  const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
  frame.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < len; ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  ::send(fd_, frame.data(), frame.size(), MSG_NOSIGNAL);
}

void RawWsClient::send_text(const std::string& text, bool compress) {
  send_frame(1, compress ? deflate_payload(text) : text, compress);
}

bool RawWsClient::wait_closed(std::chrono::milliseconds timeout) {
  pending_.clear();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[65536];
    if (::recv(fd_, buf, sizeof buf, 0) <= 0) return true;  // EOF or reset
  }
}

std::optional<RawFrame> RawWsClient::next(std::chrono::milliseconds timeout) {
  std::string head;
  if (!read_exact(head, 2, timeout)) return std::nullopt;
  RawFrame f;
  auto b0 = static_cast<unsigned char>(head[0]), b1 = static_cast<unsigned char>(head[1]);
  f.compressed = (b0 & 0x40) != 0;
  f.opcode = b0 & 0x0F;
  std::uint64_t len = b1 & 0x7F;
  std::string ext;
  if (len == 126 || len == 127) {
    std::size_t bytes = len == 126 ? 2 : 8;
    if (!read_exact(ext, bytes, timeout)) return std::nullopt;
    len = 0;
    for (char c : ext) len = (len << 8) | static_cast<unsigned char>(c);
  }
  if (!read_exact(f.payload, len, timeout)) return std::nullopt;
  return f;
}

}  // namespace gangway::test
