#include "gateway/net/tls_stream.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cerrno>
#include <cstring>

namespace gangway::net {

namespace asio = boost::asio;

namespace {

// During one OpenSSL call of a TlsStream (TlsStream::call), the socket the
// BIO reads and the records it writes; outside of one the BIO has neither.
// The BIO itself points at no stream, so a TlsStream can move.
struct Scope {
  int fd;
  std::string& out;
  int error = 0;  // errno of a failed recv
};
thread_local Scope* t_scope = nullptr;

std::string& thread_outgoing() {
  thread_local std::string out;  // grows to a chunk's records once per thread, then stays
  return out;
}

int bio_write(BIO*, const char* data, int size) {
  if (!t_scope) return -1;
  t_scope->out.append(data, static_cast<std::size_t>(size));
  return size;
}

int bio_read(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  if (!t_scope) return -1;
  if (t_scope->fd < 0) {  // closed (a deadline, a timeout): never a reused descriptor
    t_scope->error = EBADF;
    return -1;
  }
  ssize_t n = ::recv(t_scope->fd, data, static_cast<std::size_t>(size), MSG_DONTWAIT);
  if (n >= 0) return static_cast<int>(n);  // 0: the client's end of stream
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
    BIO_set_retry_read(bio);
  } else {
    t_scope->error = errno;
  }
  return -1;
}

long bio_ctrl(BIO*, int cmd, long, void*) {
  return cmd == BIO_CTRL_FLUSH ? 1 : 0;  // records are sent after each call; nothing to flush
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

BIO_METHOD* socket_bio() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "gangway socket");
    if (m) {
      BIO_meth_set_write(m, bio_write);
      BIO_meth_set_read(m, bio_read);
      BIO_meth_set_ctrl(m, bio_ctrl);
      BIO_meth_set_create(m, bio_create);
    }
    return m;
  }();
  return method;
}

// Sends from `data` until all is sent or the socket takes no more; the bytes sent.
std::size_t send_some(int fd, const char* data, std::size_t size, boost::system::error_code& ec) {
  std::size_t sent = 0;
  while (sent < size) {
    ssize_t n = ::send(fd, data + sent, size - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) ec.assign(errno, asio::error::get_system_category());
      break;
    }
  }
  return sent;
}

}  // namespace

struct TlsStream::Call {
  int ret;        // what OpenSSL returned
  int ssl_error;  // SSL_get_error's answer, SSL_ERROR_NONE on success
  int sys_errno;  // a failed recv's errno
  bool ok() const { return ret > 0; }
  boost::system::error_code error() const {
    if (ssl_error == SSL_ERROR_ZERO_RETURN) return asio::error::eof;
    if (ssl_error == SSL_ERROR_SYSCALL && sys_errno) return {sys_errno, asio::error::get_system_category()};
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e) return {static_cast<int>(e), asio::error::get_ssl_category()};
    // SSL_ERROR_SYSCALL without an errno: the client's end of stream.
    if (ssl_error == SSL_ERROR_SYSCALL) return asio::error::eof;
    return asio::error::connection_aborted;
  }
};

TlsStream::TlsStream(Socket&& socket, tls::SslPtr ssl) : socket_(std::move(socket)), ssl_(std::move(ssl)) {
  BIO* bio = ssl_ && socket_bio() ? BIO_new(socket_bio()) : nullptr;
  if (!bio) {
    ssl_.reset();  // every operation fails (no_memory)
    ERR_clear_error();
    return;
  }
  SSL_set_bio(ssl_.get(), bio, bio);  // one BIO both ways: one reference, the SSL's
  SSL_set_accept_state(ssl_.get());
}

TlsStream::TlsStream(TlsStream&&) noexcept = default;
TlsStream::~TlsStream() = default;

template <class F>
TlsStream::Call TlsStream::call(F f, error_code& send_ec) {
  ERR_clear_error();
  Scope scope{socket_.native_handle(), thread_outgoing()};
  t_scope = &scope;
  int ret = f(ssl_.get());
  int ssl_error = ret > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), ret);
  t_scope = nullptr;
  send_outgoing(send_ec);
  return {ret, ssl_error, scope.error};
}

void TlsStream::send_outgoing(error_code& ec) {
  auto& out = thread_outgoing();
  if (out.empty()) return;
  if (backlog_) {
    backlog_->append(out);  // after what the socket has not taken yet
  } else {
    std::size_t sent = send_some(socket_.native_handle(), out.data(), out.size(), ec);
    if (!ec && sent < out.size()) backlog_ = std::make_unique<std::string>(out, sent);
  }
  out.clear();
}

TlsStream::Want TlsStream::flush_step(error_code& ec) {
  if (!backlog_) return Want::done;
  std::size_t sent = send_some(socket_.native_handle(), backlog_->data(), backlog_->size(), ec);
  if (ec || sent == backlog_->size()) {
    backlog_.reset();
    return Want::done;
  }
  backlog_->erase(0, sent);
  return Want::write;
}

TlsStream::Want TlsStream::handshake_step(error_code& ec) {
  if (!ssl_) {
    ec = asio::error::no_memory;
    return Want::done;
  }
  for (;;) {
    // Our flight goes out before we wait for the client's next one.
    if (Want w = flush_step(ec); w != Want::done || ec) return w;
    if (SSL_is_init_finished(ssl_.get())) return Want::done;
    Call c = call([](SSL* s) { return SSL_do_handshake(s); }, ec);
    if (ec) return Want::done;
    if (c.ok()) continue;  // send the last records, then done
    if (c.ssl_error == SSL_ERROR_WANT_READ) {
      if (backlog_) continue;
      return Want::read;
    }
    if (c.ssl_error == SSL_ERROR_WANT_WRITE) return Want::write;
    ec = c.error();
    return Want::done;
  }
}

TlsStream::Want TlsStream::read_step(asio::mutable_buffer buffer, error_code& ec, std::size_t& n) {
  if (!ssl_) {
    ec = asio::error::no_memory;
    return Want::done;
  }
  if (buffer.size() == 0) return Want::done;
  std::size_t got = 0;
  // What a read makes OpenSSL send (an alert, a key update's answer) goes
  // with the socket's next write if the socket cannot take it now.
  error_code ignored;
  Call c = call([&](SSL* s) { return SSL_read_ex(s, buffer.data(), buffer.size(), &got); }, ignored);
  if (c.ok()) {
    n = got;
    return Want::done;
  }
  if (c.ssl_error == SSL_ERROR_WANT_READ) return Want::read;
  if (c.ssl_error == SSL_ERROR_WANT_WRITE) return Want::write;
  ec = c.error();
  return Want::done;
}

std::size_t TlsStream::encrypt(const void* data, std::size_t size, error_code& ec) {
  if (!ssl_) {
    ec = asio::error::no_memory;
    return 0;
  }
  if (size == 0) return 0;
  std::size_t written = 0;
  // The BIO takes every record, so OpenSSL writes all of it or fails.
  Call c = call([&](SSL* s) { return SSL_write_ex(s, data, size, &written); }, ec);
  if (!c.ok() && !ec) ec = c.error();
  return c.ok() ? written : 0;
}

char* TlsStream::staging_buffer() {
  thread_local std::unique_ptr<char[]> buffer(new char[kChunk]);
  return buffer.get();
}

std::size_t TlsStream::write_now(const iovec* iov, std::size_t count, error_code& ec) {
  std::size_t taken = 0, i = 0, offset = 0;  // offset: into iov[i]
  while (i < count && !backlog_ && !ec) {
    // One chunk copied together: records of up to 16 KiB, not one per frame.
    char* staging = staging_buffer();
    std::size_t n = 0;
    while (i < count && n < kChunk) {
      std::size_t len = std::min(iov[i].iov_len - offset, kChunk - n);
      std::memcpy(staging + n, static_cast<const char*>(iov[i].iov_base) + offset, len);
      n += len;
      offset += len;
      if (offset == iov[i].iov_len) {
        ++i;
        offset = 0;
      }
    }
    taken += encrypt(staging, n, ec);
  }
  return taken;
}

TlsStream::Failure TlsStream::failure_of(const error_code& ec) {
  if (ec.category() != asio::error::get_ssl_category()) return Failure::gone;  // eof, a reset, operation_aborted
  auto e = static_cast<unsigned long>(static_cast<unsigned int>(ec.value()));
  // OpenSSL's record layer recognises "GET ", "POST", "HEAD", "PUT " where a record should start.
  if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_HTTP_REQUEST) return Failure::plain_http;
  return Failure::tls;
}

void TlsStream::close_notify() {
  if (!ssl_ || !SSL_is_init_finished(ssl_.get()) || (SSL_get_shutdown(ssl_.get()) & SSL_SENT_SHUTDOWN)) return;
  error_code ignored;
  call([](SSL* s) { return SSL_shutdown(s); }, ignored);
  ERR_clear_error();
}

}  // namespace gangway::net
