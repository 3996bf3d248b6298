#pragma once
// The load tool's TLS (--tls): OpenSSL on a client socket's descriptor,
// non-blocking, driven by the fleet's own readiness waits (fleet.cpp), so a
// TLS socket costs the tool little more than a plain one. Every socket makes
// a full handshake (no session resumption), as a client that connects for
// the first time; the server's certificate is verified when a CA file is
// given (--ca-file), chain and name.
#include <openssl/types.h>

#include <cstddef>
#include <string>

namespace gangway::bench {

// One per process. Throws std::runtime_error if `ca_file` cannot be used.
class TlsClientContext {
 public:
  explicit TlsClientContext(const std::string& ca_file);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;
  SSL_CTX* get() const { return ctx_; }

 private:
  SSL_CTX* ctx_;
};

// A socket's TLS, reading and writing its (non-blocking) descriptor itself.
class TlsClient {
 public:
  enum class Status { done, want_read, want_write, closed, failed };

  // `server_name`: sent (SNI, unless an IP address) and checked against the certificate.
  TlsClient(const TlsClientContext& context, int fd, const std::string& server_name);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  Status handshake();
  // Plaintext into `data`: done with `n` > 0 bytes; want_read once nothing
  // more has arrived (the socket was read until it would block, so its next
  // readiness will be reported); closed at the server's end.
  Status read(char* data, std::size_t size, std::size_t& n);
  // All of `data` or nothing: after want_write (or want_read), call again
  // with the same bytes.
  Status write(const char* data, std::size_t size);
  // Why the last call failed.
  const std::string& error() const { return error_; }

 private:
  Status status_of(int ret);
  SSL* ssl_;
  std::string error_;
};

}  // namespace gangway::bench
