#include "tests/bench/tls_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <stdexcept>

namespace gangway::bench {

TlsClientContext::TlsClientContext(const std::string& ca_file) : ctx_(SSL_CTX_new(TLS_client_method())) {
  if (!ctx_) throw std::runtime_error("cannot create a TLS context");
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  // Thousands of idle sockets: no record buffers while idle, no session cache.
  SSL_CTX_set_mode(ctx_, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx_, SSL_OP_NO_TICKET);
  SSL_CTX_set_read_ahead(ctx_, 1);  // what has arrived in one read, not a header and then a body
  if (!ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) != 1) {
      SSL_CTX_free(ctx_);
      throw std::runtime_error("--ca-file: cannot load " + ca_file);
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  }
}

TlsClientContext::~TlsClientContext() { SSL_CTX_free(ctx_); }

TlsClient::TlsClient(const TlsClientContext& context, int fd, const std::string& server_name)
    : ssl_(SSL_new(context.get())) {
  if (!ssl_) return;
  SSL_set_fd(ssl_, fd);
  SSL_set_connect_state(ssl_);
  boost::system::error_code not_ip;
  boost::asio::ip::make_address(server_name, not_ip);
  if (not_ip) {
    SSL_set_tlsext_host_name(ssl_, server_name.c_str());
    SSL_set1_host(ssl_, server_name.c_str());
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), server_name.c_str());
  }
}

TlsClient::~TlsClient() { SSL_free(ssl_); }

TlsClient::Status TlsClient::status_of(int ret) {
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ: return Status::want_read;
    case SSL_ERROR_WANT_WRITE: return Status::want_write;
    case SSL_ERROR_ZERO_RETURN: return Status::closed;
    case SSL_ERROR_SYSCALL:
      if (ERR_peek_error() == 0) {
        ERR_clear_error();
        return Status::closed;  // the server's end without a close_notify
      }
      [[fallthrough]];
    default: {
      unsigned long e = ERR_get_error();
      ERR_clear_error();
      const char* reason = e ? ERR_reason_error_string(e) : nullptr;
      error_ = reason ? reason : "TLS error";
      if (SSL_get_verify_result(ssl_) != X509_V_OK)
        error_ += std::string(" (") + X509_verify_cert_error_string(SSL_get_verify_result(ssl_)) + ")";
      return Status::failed;
    }
  }
}

TlsClient::Status TlsClient::handshake() {
  if (!ssl_) {
    error_ = "out of memory";
    return Status::failed;
  }
  ERR_clear_error();
  int r = SSL_do_handshake(ssl_);
  return r == 1 ? Status::done : status_of(r);
}

TlsClient::Status TlsClient::read(char* data, std::size_t size, std::size_t& n) {
  ERR_clear_error();
  int r = SSL_read_ex(ssl_, data, size, &n);
  return r == 1 ? Status::done : status_of(r);
}

TlsClient::Status TlsClient::write(const char* data, std::size_t size) {
  ERR_clear_error();
  std::size_t written = 0;
  int r = SSL_write_ex(ssl_, data, size, &written);
  return r == 1 ? Status::done : status_of(r);
}

}  // namespace gangway::bench
