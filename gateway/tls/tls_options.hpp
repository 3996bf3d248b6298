#pragma once
// A TLS listener's settings (config `apps[].tls`, `admin.tls`;
// docs/configuration.md, "TLS"). Plain data, so the config can hold it
// without OpenSSL's headers.
#include <string>

namespace gangway::tls {

struct TlsOptions {
  std::string cert_file;  // the certificate chain (PEM), the server's own certificate first
  std::string key_file;   // its private key (PEM, unencrypted); a secret: only from a file
  // Clients must present a certificate issued by one of these CAs (PEM)
  // (mutual TLS). Empty: no client certificate is asked for. Admin port only.
  std::string client_ca_file;
  bool tls13_only = false;  // "min_version": "1.3"; default TLS 1.2 and 1.3
};

}  // namespace gangway::tls
