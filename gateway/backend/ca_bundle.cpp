#include "gateway/backend/ca_bundle.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace gangway::backend {

std::string ca_bundle_problem(const std::string& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> in(BIO_new_file(path.c_str(), "r"), BIO_free);
  if (!in) {
    ERR_clear_error();
    return "cannot read " + path;
  }
  int certs = 0;
  while (X509* cert = PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr)) {
    X509_free(cert);
    ++certs;
  }
  ERR_clear_error();  // the read that ended the loop leaves "no start line"
  if (certs == 0) return path + " holds no PEM certificate";
  return {};
}

}  // namespace gangway::backend
