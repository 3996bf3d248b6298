#include "tests/support/tls_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace gangway::test {

namespace {

constexpr auto kWait = std::chrono::seconds(10);

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  // Every blocking call returns within the wait (OpenSSL's socket BIO too).
  timeval tv{static_cast<time_t>(kWait.count()), 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

void send_all(int fd, const std::string& bytes) {
  for (std::size_t sent = 0; sent < bytes.size();) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server closed: what it answered is still read
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::optional<std::string> raw_exchange(int port, const std::string& bytes) {
  int fd = connect_loopback(port);
  if (fd < 0) return std::nullopt;
  send_all(fd, bytes);
  std::string got;
  auto until = std::chrono::steady_clock::now() + kWait;
  std::optional<std::string> result;
  while (std::chrono::steady_clock::now() < until) {
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      got.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
      result = got;  // the FIN, or a reset
      break;
    }
  }
  ::close(fd);
  return result;
}

TlsProbe::TlsProbe(int port, const std::string& ca_file) {
  fd_ = connect_loopback(port);
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_) {
    SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx_);
  }
  if (ssl_ && fd_ >= 0) SSL_set_fd(ssl_, fd_);
}

TlsProbe::~TlsProbe() {
  if (ssl_) SSL_free(ssl_);
  if (ctx_) SSL_CTX_free(ctx_);
  if (fd_ >= 0) ::close(fd_);
}

bool TlsProbe::handshake() {
  if (!ssl_ || fd_ < 0) {
    error_ = "no connection";
    return false;
  }
  ERR_clear_error();
  if (SSL_connect(ssl_) == 1) return true;
  char buf[256];
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  error_ = buf;
  return false;
}

void TlsProbe::write(const std::string& plaintext) {
  std::size_t written = 0;
  SSL_write_ex(ssl_, plaintext.data(), plaintext.size(), &written);
}

void TlsProbe::write_raw(const std::string& bytes) { send_all(fd_, bytes); }

std::string TlsProbe::read_until(const std::string& end) {
  std::string got;
  auto until = std::chrono::steady_clock::now() + kWait;
  while (got.find(end) == std::string::npos && std::chrono::steady_clock::now() < until) {
    char buf[4096];
    std::size_t n = 0;
    if (SSL_read_ex(ssl_, buf, sizeof buf, &n) != 1) break;
    got.append(buf, n);
  }
  return got;
}

std::optional<std::string> TlsProbe::read_until_closed() {
  std::string got;
  auto until = std::chrono::steady_clock::now() + kWait;
  while (std::chrono::steady_clock::now() < until) {
    char buf[4096];
    std::size_t n = 0;
    ERR_clear_error();
    if (SSL_read_ex(ssl_, buf, sizeof buf, &n) == 1) {
      got.append(buf, n);
      continue;
    }
    int e = SSL_get_error(ssl_, 0);
    // Only the receive timeout is no end of the connection.
    if (e == SSL_ERROR_WANT_READ || (e == SSL_ERROR_SYSCALL && errno == EINTR)) continue;
    return got;
  }
  return std::nullopt;
}

}  // namespace gangway::test
