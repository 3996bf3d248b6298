#pragma once
// A certificate authority made for one test with the `openssl` command line
// (Debian's openssl package), in a temporary directory: EC P-256 keys, two-day
// certificates. Nothing is checked in. Failures fail the test (ADD_FAILURE).
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace gangway::test {

class TestCa {
 public:
  struct Issued {
    std::string cert_file;  // PEM, the leaf only
    std::string key_file;   // PEM (PKCS#8), unencrypted
  };

  explicit TestCa(const std::string& name = "Gangway Test CA");
  const std::string& ca_file() const { return ca_file_; }
  const std::string& dir() const { return dir_.path(); }
  // A certificate for a server or a client (extended key usage both), naming
  // `sans` in openssl's syntax.
  Issued issue(const std::string& common_name, const std::string& sans = "DNS:localhost,IP:127.0.0.1");
  // Runs `openssl <args>` in dir() (a failure fails the test), e.g. to
  // encrypt a key: {"pkey", "-in", key, "-aes256", "-passout", "pass:x", "-out", out}.
  void openssl(const std::vector<std::string>& args) const;

 private:
  TempDir dir_;
  std::string ca_file_, ca_key_;
  int serial_ = 1;
};

}  // namespace gangway::test
