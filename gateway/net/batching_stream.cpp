#include "gateway/net/batching_stream.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

namespace gangway::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// A batch goes out at once as far as the socket takes it: the bytes taken,
// 0 if the socket takes none now; `ec` if it failed.
std::size_t write_now(Socket& socket, const iovec* iov, std::size_t count, beast::error_code& ec) {
  msghdr msg{};
  msg.msg_iov = const_cast<iovec*>(iov);
  msg.msg_iovlen = count;
  ssize_t sent = ::sendmsg(socket.native_handle(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (sent >= 0) return static_cast<std::size_t>(sent);
  if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ec.assign(errno, asio::error::get_system_category());
  return 0;
}
std::size_t write_now(TlsStream& tls, const iovec* iov, std::size_t count, beast::error_code& ec) {
  return tls.write_now(iov, count, ec);
}
// Whether what was taken is all in the socket (TLS may keep records).
bool flushed(const Socket&) { return true; }
bool flushed(const TlsStream& tls) { return tls.flushed(); }

}  // namespace

template <class Next>
typename BasicBatchingStream<Next>::Gather& BasicBatchingStream<Next>::start_gather() {
  thread_local Gather batch;
  batch.iovs = batch.frames = batch.bytes = 0;
  if (!held_.empty() && !busy_) {  // (while busy_, the held write is in flight)
    batch.iov[batch.iovs++] = {held_.data(), held_.size()};
    batch.bytes = held_.size();
  }
  return batch;
}

template <class Next>
bool BasicBatchingStream<Next>::add(Gather& batch, const FrameBytes& frame) const {
  if (batch.frames == kMaxFrames || (batch.frames > 0 && batch.bytes >= kBatchBytes)) return false;
  const std::string* deflated =
      compress_min_ && frame.size() >= compress_min_ ? frame.deflated(compress_level_) : nullptr;
  const std::string& payload = deflated ? *deflated : frame.text();
  auto& h = batch.headers[batch.frames++];
  std::size_t len = payload.size(), n = 2;
  h[0] = deflated ? 0xC1 : 0x81;  // FIN, RSV1 (compressed) if so, text
  if (len < 126) {
    h[1] = static_cast<unsigned char>(len);
  } else if (len <= 0xFFFF) {
    h[1] = 126;
    h[2] = static_cast<unsigned char>(len >> 8);
    h[3] = static_cast<unsigned char>(len);
    n = 4;
  } else {
    h[1] = 127;
    for (int b = 0; b < 8; ++b) h[2 + b] = static_cast<unsigned char>(std::uint64_t(len) >> (56 - 8 * b));
    n = 10;
  }
  batch.iov[batch.iovs++] = {h.data(), n};
  if (len) batch.iov[batch.iovs++] = {const_cast<char*>(payload.data()), len};
  batch.bytes += n + len;
  return true;
}

template <class Next>
void BasicBatchingStream<Next>::submit(Gather& batch, Done done) {
  if (close_written_) return asio::post(get_executor(), [done = std::move(done)] { done(asio::error::broken_pipe); });
  if (busy_) {
    // Beast or the held answer is writing: these bytes wait their turn.
    batch_waiting_ = rest_of(batch, 0, std::move(done));
    return;
  }
  busy_ = true;
  // Data frames need no deadline of their own: Beast's idle and close
  // timeouts tear the socket down under a peer that stops reading.
  beast::error_code ec;
  std::size_t sent = write_now(inner_, batch.iov.data(), batch.iovs, ec);
  if (ec || (sent == batch.bytes && flushed(inner_))) {
    std::string().swap(held_);
    return asio::post(get_executor(), [this, ec, done = std::move(done)] {
      // `done` holds the session (and so this stream) alive.
      busy_ = false;
      next();
      done(ec);
    });
  }
  // The socket buffer is full: the rest goes when the peer reads.
  write_rest(rest_of(batch, sent, std::move(done)));
}

template <class Next>
auto BasicBatchingStream<Next>::rest_of(const Gather& batch, std::size_t offset, Done done) -> std::unique_ptr<Rest> {
  auto rest = std::make_unique<Rest>();
  rest->headers.assign(batch.headers.begin(), batch.headers.begin() + static_cast<std::ptrdiff_t>(batch.frames));
  const auto* headers = reinterpret_cast<const unsigned char*>(batch.headers.data());
  const auto* copied = reinterpret_cast<const unsigned char*>(rest->headers.data());
  for (std::size_t i = 0; i < batch.iovs; ++i) {
    const auto* base = static_cast<const unsigned char*>(batch.iov[i].iov_base);
    std::size_t len = batch.iov[i].iov_len;
    if (offset >= len) {
      offset -= len;
      continue;
    }
    // A header points into the thread's Gather, which the next batch reuses.
    if (base >= headers && base < headers + sizeof(batch.headers)) base = copied + (base - headers);
    rest->buffers.emplace_back(base + offset, len - offset);
    offset = 0;
  }
  rest->done = std::move(done);
  return rest;
}

template <class Next>
void BasicBatchingStream<Next>::write_rest(std::unique_ptr<Rest> rest) {
  busy_ = true;
  const auto& buffers = rest->buffers;
  bool only_kept = buffers.empty();  // TLS took it all, but keeps records the socket did not
  auto written = asio::bind_executor(get_executor(), [this, rest = std::move(rest)](beast::error_code ec,
                                                                                    std::size_t) mutable {
    // rest->done holds the session (and so this stream) alive.
    Done done = std::move(rest->done);
    rest.reset();
    std::string().swap(held_);  // if it was in the batch, it is written now
    busy_ = false;
    next();
    done(ec);
  });
  if (only_kept) return inner_.async_write_some(asio::const_buffer(), std::move(written));
  asio::async_write(inner_, buffers, std::move(written));
}

template <class Next>
void BasicBatchingStream<Next>::send_held(Done done) {
  if (held_.empty() || busy_) return;  // nothing held, or it is in flight
  busy_ = true;
  asio::async_write(inner_, asio::buffer(held_),
                    asio::bind_executor(get_executor(), [this, done = std::move(done)](beast::error_code ec,
                                                                                       std::size_t) {
                      // `done` holds the session (and so this stream) alive.
                      std::string().swap(held_);
                      busy_ = false;
                      next();
                      done(ec);
                    }));
}

template <class Next>
void BasicBatchingStream<Next>::start(std::unique_ptr<BeastWrite> op) {
  if (!held_.empty()) {
    // Rare (a close right after the upgrade): the held answer first, alone.
    // Beast's op holds the session until it has run.
    beast_waiting_ = std::move(op);
    return send_held([](beast::error_code) {});
  }
  busy_ = true;
  if (op->is_close_frame()) close_written_ = true;
  auto* raw = op.get();
  raw->write(*this, std::move(op));
}

template <class Next>
void BasicBatchingStream<Next>::next() {
  if (beast_waiting_) return start(std::move(beast_waiting_));
  if (!batch_waiting_) return;
  auto batch = std::move(batch_waiting_);
  if (!close_written_) return write_rest(std::move(batch));
  asio::post(get_executor(), [done = std::move(batch->done)] { done(asio::error::broken_pipe); });
}

template class BasicBatchingStream<Socket>;
template class BasicBatchingStream<TlsStream>;

}  // namespace gangway::net
