#pragma once
// The certificate and the TLS policy of one listener (an app's port or the
// admin port): the OpenSSL context every new handshake starts from.
//
// A reload (SIGHUP) reads the files into a new context and swaps it in
// whole: handshakes that start afterwards use the new certificate, and open
// connections keep the one they started with (each OpenSSL connection holds
// a reference to its context), so no socket is touched. Files that cannot be
// read or do not fit keep the current context.
//
// The policy is Mozilla's "intermediate" (TLS 1.2 and 1.3; ECDHE with AES-GCM
// or ChaCha20-Poly1305 for TLS 1.2; X25519, P-256, P-384), no renegotiation,
// no compression, no server-side session cache (TLS 1.2 and 1.3 resume from
// tickets, which cost the server no memory), and OpenSSL's record buffers
// released while a connection is idle (SSL_MODE_RELEASE_BUFFERS: ~34 KiB less
// per idle socket; docs/performance.md, "TLS").
#include <openssl/types.h>

#include <memory>
#include <mutex>
#include <string>

#include "gateway/tls/tls_options.hpp"

namespace gangway::tls {

struct SslFree {
  void operator()(SSL* ssl) const;
};
using SslPtr = std::unique_ptr<SSL, SslFree>;

class ServerTls {
 public:
  // Loads the files. Throws std::runtime_error naming `where` (a config key
  // such as "apps[0].tls") and what is wrong.
  ServerTls(TlsOptions options, std::string where);
  ~ServerTls();
  ServerTls(const ServerTls&) = delete;
  ServerTls& operator=(const ServerTls&) = delete;

  // A new connection's TLS state (server side) on the current context;
  // nullptr if OpenSSL could not allocate one. Any thread.
  SslPtr new_connection() const;
  // The current context, with a reference the caller owns (SSL_CTX_free),
  // for asio::ssl::stream (the admin port). Any thread.
  SSL_CTX* context_reference() const;

  struct Reloaded {
    bool ok = false;
    std::string message;  // the new certificate (subject, serial, expiry), or why the old one stays
  };
  // Reads the files again. Blocking (reads files): the signal thread, not a loop.
  Reloaded reload();
  // The current certificate: "subject CN=…, serial 0A…, valid until …" (and
  // "EXPIRED" when it is). Any thread.
  std::string certificate() const;
  const TlsOptions& options() const { return options_; }

 private:
  struct Context;
  std::shared_ptr<Context> current() const;

  const TlsOptions options_;
  const std::string where_;
  mutable std::mutex mu_;
  std::shared_ptr<Context> context_;  // guarded by mu_
};

// What is wrong with `options` (a file that cannot be read, no certificate,
// a key that does not match the certificate, an encrypted key, a CA file
// without a certificate), prefixed with `where`; empty if nothing. Builds the
// same context a listener would. For --check-config; blocking.
std::string tls_problem(const TlsOptions& options, const std::string& where);

}  // namespace gangway::tls
