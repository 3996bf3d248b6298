#pragma once
// TLS on a client socket, the layer under BatchingStream (and so under
// Beast's websocket stream) on an app port with `tls`.
//
// Not asio::ssl::stream: that keeps two 17 KiB buffers of its own and an
// OpenSSL BIO pair with two more per socket, ~68 KiB that every idle socket
// would hold for nothing (a plain socket costs the gateway ~6 KiB). Here
// OpenSSL reads the socket itself (read-ahead: what has arrived, in one
// recv) and writes its records into a buffer of the loop's thread, sent at
// once with one send; with OpenSSL's record buffers released while idle
// (server_tls.hpp), an idle TLS socket keeps only OpenSSL's connection state.
// What the socket does not take at once (a peer that reads slowly) is kept
// here, at most about one chunk (kChunk) of ciphertext, and sent when the
// socket can take it.
//
// Like a socket: one handshake first, then one read and one write in flight
// at most (Beast and BatchingStream see to that). Every call and completion
// runs on the socket's executor (its loop); no handler runs inside the call
// that starts it. Closing the socket (the upgrade deadline, Beast's
// timeouts) ends what waits with operation_aborted, and nothing is read
// from or written to a closed socket's descriptor afterwards.
#include <sys/uio.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/net/socket.hpp"
#include "gateway/tls/server_tls.hpp"

namespace gangway::net {

class TlsStream {
 public:
  using next_layer_type = Socket;
  using executor_type = Socket::executor_type;
  using error_code = boost::system::error_code;
  // The most plaintext encrypted at once (four records): what a socket
  // whose peer does not read may keep here as ciphertext.
  static constexpr std::size_t kChunk = 64 * 1024;

  // `ssl`: a connection of the listener's context (ServerTls::new_connection).
  TlsStream(Socket&& socket, tls::SslPtr ssl);
  TlsStream(TlsStream&&) noexcept;
  ~TlsStream();

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  next_layer_type& next_layer() noexcept { return socket_; }
  const next_layer_type& next_layer() const noexcept { return socket_; }

  // The server's side of the handshake: fails if the client's side does not
  // fit (no common version or suite, a certificate that was required and is
  // missing or does not verify, not TLS at all) or the socket is closed.
  template <class Handler>
  auto async_handshake(Handler&& handler) {
    return run<void(error_code)>(HandshakeStep{}, handler);
  }

  // Plaintext into the first non-empty buffer; asio::error::eof at the
  // client's close_notify or end of stream.
  template <class MutableBuffers, class Handler>
  auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    boost::asio::mutable_buffer first;
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it)
      if ((first = boost::asio::mutable_buffer(*it)).size() > 0) break;
    return run<void(error_code, std::size_t)>(ReadStep{first}, handler);
  }

  // Sends what is kept from earlier, then encrypts up to kChunk bytes of
  // `buffers` and completes once their records are in the socket, with the
  // bytes taken (asio::async_write loops). With no bytes it only sends what
  // is kept.
  template <class ConstBuffers, class Handler>
  auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    return run<void(error_code, std::size_t)>(WriteStep<ConstBuffers>{buffers}, handler);
  }

  // For BatchingStream: encrypts `iov` a chunk at a time while the socket
  // takes every record at once, and returns the bytes taken; once it does
  // not, the records left wait here (flushed() is false) and so does the rest
  // of `iov`. Never blocks; `ec` for a failed socket.
  std::size_t write_now(const iovec* iov, std::size_t count, error_code& ec);
  // True when nothing encrypted waits for the socket.
  bool flushed() const { return !backlog_; }

  // Sends the close_notify alert once, if the handshake is done, as far as
  // the socket takes it now (a teardown closes the socket next).
  void close_notify();

  // What a failed handshake or read says about the client (for the metrics):
  // `gone` when it left or the socket was closed (a TCP health check, the
  // deadline), nothing to count; `plain_http` when it sent an HTTP request
  // (a ws:// client on a wss:// port); `tls` when it spoke TLS we refuse, or
  // something else than TLS (garbage, a bad record, an alert).
  enum class Failure { gone, plain_http, tls };
  static Failure failure_of(const error_code& ec);
  // The answer, in plain HTTP, to a `plain_http` client, so that its error
  // names the mistake (as nginx and Go's servers answer).
  static constexpr std::string_view kPlainHttpAnswer =
      "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: 44\r\n\r\n"
      "This port speaks TLS: connect with wss://.\r\n";

 private:
  enum class Want { done, read, write };

  // Runs a step until it is done, waiting for the socket in between.
  template <class Step>
  struct Op {
    TlsStream& s;
    Step step;
    error_code ec{};
    std::size_t n = 0;
    bool waited = false, finished = false;

    template <class Self>
    void operator()(Self& self, error_code wait_ec = {}) {
      if (!finished) {
        if (wait_ec) {
          ec = wait_ec;
        } else if (Want want = step(s, ec, n); want != Want::done) {
          waited = true;
          return s.socket_.async_wait(want == Want::read ? Socket::wait_read : Socket::wait_write, std::move(self));
        }
        if (!waited) {  // done at once: the handler runs later, not inside the initiating call
          finished = true;
          return boost::asio::post(s.socket_.get_executor(), std::move(self));
        }
      }
      if constexpr (Step::kSized) self.complete(ec, n);
      else self.complete(ec);
    }
  };
  struct HandshakeStep {
    static constexpr bool kSized = false;
    Want operator()(TlsStream& s, error_code& ec, std::size_t&) { return s.handshake_step(ec); }
  };
  struct ReadStep {
    static constexpr bool kSized = true;
    boost::asio::mutable_buffer buffer;
    Want operator()(TlsStream& s, error_code& ec, std::size_t& n) { return s.read_step(buffer, ec, n); }
  };
  template <class ConstBuffers>
  struct WriteStep {
    static constexpr bool kSized = true;
    ConstBuffers buffers;
    bool encrypted = false;
    Want operator()(TlsStream& s, error_code& ec, std::size_t& n) {
      if (Want w = s.flush_step(ec); w != Want::done || ec) return w;
      if (encrypted) return Want::done;
      encrypted = true;
      n = s.encrypt_some(buffers, ec);
      return ec ? Want::done : s.flush_step(ec);
    }
  };

  template <class Signature, class Step, class Handler>
  auto run(Step step, Handler& handler) {
    return boost::asio::async_compose<Handler, Signature>(Op<Step>{*this, std::move(step)}, handler, socket_);
  }

  template <class ConstBuffers>
  std::size_t encrypt_some(const ConstBuffers& buffers, error_code& ec) {
    auto begin = boost::asio::buffer_sequence_begin(buffers), end = boost::asio::buffer_sequence_end(buffers);
    if (begin == end) return 0;
    if (std::next(begin) == end) {
      boost::asio::const_buffer only(*begin);
      return encrypt(only.data(), std::min(only.size(), kChunk), ec);
    }
    char* staging = staging_buffer();
    std::size_t n = boost::asio::buffer_copy(boost::asio::mutable_buffer(staging, kChunk), buffers);
    return encrypt(staging, n, ec);
  }

  Want handshake_step(error_code& ec);
  Want read_step(boost::asio::mutable_buffer buffer, error_code& ec, std::size_t& n);
  Want flush_step(error_code& ec);  // sends what is kept; done when all is sent (or on an error)
  std::size_t encrypt(const void* data, std::size_t size, error_code& ec);
  static char* staging_buffer();  // kChunk bytes of the calling thread's
  struct Call;
  template <class F>
  Call call(F f, error_code& send_ec);  // one OpenSSL call, its records sent or kept
  void send_outgoing(error_code& ec);   // the thread's outgoing records: to the socket, else kept

  Socket socket_;
  tls::SslPtr ssl_;
  std::unique_ptr<std::string> backlog_;  // records the socket did not take yet; null when none
};

// Sends the close_notify before the socket's end (refusals, teardowns); a
// plain socket has none.
inline void close_notify(Socket&) {}
inline void close_notify(TlsStream& stream) { stream.close_notify(); }

}  // namespace gangway::net
