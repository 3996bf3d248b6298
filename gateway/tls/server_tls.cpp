#include "gateway/tls/server_tls.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace gangway::tls {

namespace {

// Mozilla's "intermediate" TLS 1.2 suites without the DHE ones: every client
// of the last decade has ECDHE, and finite-field DHE costs the server several
// times the CPU of a handshake (a cheap way to load it). TLS 1.3 keeps
// OpenSSL's suites (AES-GCM, ChaCha20-Poly1305).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kGroups = "X25519:P-256:P-384";
constexpr unsigned char kSessionContext[] = "gangway";

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

struct LoadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The reason of OpenSSL's latest error ("" if none); the queue is emptied.
std::string openssl_reason() {
  unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  if (!e) return "";
  const char* reason = ERR_reason_error_string(e);
  return reason ? reason : "error " + std::to_string(e);
}

std::string read_text(const std::string& path, const std::string& key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LoadError(key + ": cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Never asks for a passphrase (OpenSSL's default reads the terminal).
int no_passphrase(char*, int, int, void*) { return -1; }

void use_certificate(SSL_CTX* ctx, const TlsOptions& o, const std::string& where) {
  read_text(o.cert_file, where + ".cert_file");  // readable?
  if (SSL_CTX_use_certificate_chain_file(ctx, o.cert_file.c_str()) != 1)
    throw LoadError(where + ".cert_file: " + o.cert_file + " holds no usable PEM certificate chain (" +
                    openssl_reason() + ")");
  auto pem = read_text(o.key_file, where + ".key_file");
  BioPtr in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = in ? PEM_read_bio_PrivateKey(in.get(), nullptr, no_passphrase, nullptr) : nullptr;
  if (!key) {
    ERR_clear_error();
    if (pem.find("ENCRYPTED") != std::string::npos)
      throw LoadError(where + ".key_file: " + o.key_file +
                      " is encrypted; give the key unencrypted, in a file only the gateway's user can read");
    throw LoadError(where + ".key_file: " + o.key_file + " holds no PEM private key");
  }
  int used = SSL_CTX_use_PrivateKey(ctx, key);
  EVP_PKEY_free(key);
  if (used != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    throw LoadError(where + ".key_file: " + o.key_file + " is not the key of the certificate in " + o.cert_file);
  }
}

void require_client_certificates(SSL_CTX* ctx, const TlsOptions& o, const std::string& where) {
  const std::string key = where + ".client_ca_file";
  read_text(o.client_ca_file, key);
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.client_ca_file.c_str());
  if (!names || SSL_CTX_load_verify_locations(ctx, o.client_ca_file.c_str(), nullptr) != 1) {
    if (names) sk_X509_NAME_pop_free(names, X509_NAME_free);
    ERR_clear_error();
    throw LoadError(key + ": " + o.client_ca_file + " holds no PEM certificate");
  }
  SSL_CTX_set_client_CA_list(ctx, names);  // named in the CertificateRequest; takes `names`
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
}

CtxPtr make_context(const TlsOptions& o, const std::string& where) {
  ERR_clear_error();
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) throw LoadError(where + ": cannot create a TLS context (" + openssl_reason() + ")");
  SSL_CTX* c = ctx.get();
  SSL_CTX_set_min_proto_version(c, o.tls13_only ? TLS1_3_VERSION : TLS1_2_VERSION);
  // A peer's TCP end without close_notify reads as the end of the stream:
  // WebSocket and HTTP have their own ends, so there is no truncation to fear.
  SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS);
  // The server-side cache would keep up to 20,480 sessions (a few hundred
  // bytes each) for TLS 1.2 session ids; tickets resume without it.
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_session_id_context(c, kSessionContext, sizeof kSessionContext - 1);
  // Read what has arrived in one go, not a record header and then its body.
  SSL_CTX_set_read_ahead(c, 1);
  SSL_CTX_set_default_passwd_cb(c, no_passphrase);
  if (SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1 || SSL_CTX_set1_groups_list(c, kGroups) != 1)
    throw LoadError(where + ": OpenSSL lacks the cipher policy (" + openssl_reason() + ")");
  use_certificate(c, o, where);
  if (!o.client_ca_file.empty()) require_client_certificates(c, o, where);
  return ctx;
}

std::string bio_text(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string describe(SSL_CTX* ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (!cert) return "no certificate";
  BioPtr out(BIO_new(BIO_s_mem()));
  std::string text = "subject ";
  X509_NAME_print_ex(out.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  text += bio_text(out.get());
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    if (char* hex = BN_bn2hex(bn)) {
      text += ", serial " + std::string(hex);
      OPENSSL_free(hex);
    }
    BN_free(bn);
  }
  BioPtr until(BIO_new(BIO_s_mem()));
  ASN1_TIME_print(until.get(), X509_get0_notAfter(cert));
  text += ", valid until " + bio_text(until.get());
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) text += " (EXPIRED)";
  ERR_clear_error();
  return text;
}

}  // namespace

void SslFree::operator()(SSL* ssl) const { SSL_free(ssl); }

struct ServerTls::Context {
  CtxPtr ctx;
  std::string certificate;
};

ServerTls::ServerTls(TlsOptions options, std::string where) : options_(std::move(options)), where_(std::move(where)) {
  try {
    auto ctx = make_context(options_, where_);
    auto summary = describe(ctx.get());
    context_ = std::make_shared<Context>(Context{std::move(ctx), std::move(summary)});
  } catch (const LoadError& e) {
    throw std::runtime_error(e.what());
  }
}

ServerTls::~ServerTls() = default;

std::shared_ptr<ServerTls::Context> ServerTls::current() const {
  std::lock_guard lock(mu_);
  return context_;
}

SslPtr ServerTls::new_connection() const {
  auto context = current();
  SslPtr ssl(SSL_new(context->ctx.get()));  // holds its own reference to the context
  if (!ssl) ERR_clear_error();
  return ssl;
}

SSL_CTX* ServerTls::context_reference() const {
  auto context = current();
  SSL_CTX_up_ref(context->ctx.get());
  return context->ctx.get();
}

ServerTls::Reloaded ServerTls::reload() {
  try {
    auto ctx = make_context(options_, where_);
    auto summary = describe(ctx.get());
    auto fresh = std::make_shared<Context>(Context{std::move(ctx), std::move(summary)});
    {
      std::lock_guard lock(mu_);
      context_ = fresh;
    }
    return {true, fresh->certificate};
  } catch (const LoadError& e) {
    return {false, e.what()};
  }
}

std::string ServerTls::certificate() const { return current()->certificate; }

std::string tls_problem(const TlsOptions& options, const std::string& where) {
  try {
    make_context(options, where);
    return {};
  } catch (const LoadError& e) {
    return e.what();
  }
}

}  // namespace gangway::tls
