#pragma once
// Clients that send exactly the bytes a test names, for the refusals of a
// TLS port: raw bytes on a TCP connection (a plain client, garbage instead
// of a handshake), and a TLS client that, once its handshake is done, writes
// plaintext as records or raw bytes under them. Blocking, on one socket,
// every wait bounded (10 s).
#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>

namespace gangway::test {

// Connects to 127.0.0.1:port, sends `bytes`, and reads until the server
// closes the connection: all it sent, or nullopt if it did not close within
// 10 s. A reset after the bytes counts as closed.
std::optional<std::string> raw_exchange(int port, const std::string& bytes);

class TlsProbe {
 public:
  // Connects to 127.0.0.1:port; the server's chain must verify with `ca_file`.
  TlsProbe(int port, const std::string& ca_file);
  ~TlsProbe();
  TlsProbe(const TlsProbe&) = delete;
  TlsProbe& operator=(const TlsProbe&) = delete;

  bool handshake();  // false with error() on failure
  const std::string& error() const { return error_; }
  void write(const std::string& plaintext);  // as TLS records of the session
  void write_raw(const std::string& bytes);  // on the TCP connection, under the session
  // Decrypted bytes until `end` has been read (what was read), or until the
  // connection ends or 10 s pass.
  std::string read_until(const std::string& end);
  // Decrypted bytes until the server ends the connection (close_notify, an
  // alert, its FIN or a reset); nullopt if it did not within 10 s.
  std::optional<std::string> read_until_closed();

 private:
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string error_;
};

}  // namespace gangway::test
