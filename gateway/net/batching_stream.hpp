#pragma once
// The layer under Beast's websocket::stream that lets a session write many
// queued text frames with one gathered write (one sendmsg instead of one
// syscall per frame, on the server and on the client that reads them).
//
// Beast writes one message per async_write, and writes control frames (pong,
// close) and the HTTP answers on its own. All of them pass through here, and
// this layer keeps exactly one write in flight on the socket:
//  - Beast's writes are written in full before Beast hears back, so a batch
//    never lands inside one of Beast's frames; while a batch is in flight
//    they wait, and go first once it is done;
//  - a batch waits while Beast writes;
//  - once Beast has written a close frame no data frame follows it
//    (RFC 6455 5.5.1): later batches fail with broken_pipe;
//  - a write held by hold_next_write() goes out first, with whatever is
//    written next.
// Frames written here are unmasked, unfragmented text frames. Uncompressed
// unless the session turned compression on (compress_from()): then frames of
// at least the threshold go out as compressed messages (RSV1), each deflated
// on its own and shared with every other compressed socket (frame.hpp).
//
// Under it is a plain socket, or TLS (tls_stream.hpp): the same class over
// either (a template, so the plain path has no indirection), which writes a
// batch with one sendmsg on a plain socket and, over TLS, encrypts it in
// chunks of up to 64 KiB (records of 16 KiB, not one per frame) each sent
// with one send.
//
// Single-threaded: every call and completion runs on the stream's executor
// (the session's loop), so the state needs no lock.
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <sys/uio.h>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/fanout/frame.hpp"
#include "gateway/net/socket.hpp"
#include "gateway/net/tls_stream.hpp"

namespace gangway::net {

// `Next`: Socket or TlsStream.
template <class Next>
class BasicBatchingStream {
 public:
  using Socket = net::Socket;  // socket.hpp
  using next_layer_type = Next;
  using executor_type = typename next_layer_type::executor_type;  // clang 14 wants `typename`
  using Done = std::function<void(boost::beast::error_code)>;
  // At most this many frames, and once past kBatchBytes no more, go in one
  // batch: one sendmsg of a header and a payload per frame. (Not asio's
  // async_write: it gathers at most 16 buffers per syscall.)
  static constexpr std::size_t kMaxFrames = 256;
  static constexpr std::size_t kBatchBytes = 256 * 1024;

  explicit BasicBatchingStream(Next&& next) : inner_(std::move(next)) {}

  executor_type get_executor() noexcept { return inner_.get_executor(); }
  next_layer_type& next_layer() noexcept { return inner_; }
  const next_layer_type& next_layer() const noexcept { return inner_; }

  template <class MutableBufferSequence, class ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return inner_.async_read_some(buffers, std::forward<ReadHandler>(handler));
  }

  // For Beast: writes all of `buffers`, after the batch in flight if any.
  template <class ConstBufferSequence, class WriteHandler>
  auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return boost::asio::async_initiate<WriteHandler, void(boost::beast::error_code, std::size_t)>(
        [this](auto h, const ConstBufferSequence& b) {
          if (hold_ && !busy_) return hold(b, std::move(h));
          auto op = std::make_unique<BeastWriteImpl<ConstBufferSequence, decltype(h)>>(b, std::move(h));
          if (busy_) {
            beast_waiting_ = std::move(op);  // Beast has at most one write outstanding
          } else {
            start(std::move(op));
          }
        },
        handler, buffers);
  }

  // Once the client negotiated permessage-deflate with
  // server_no_context_takeover and a full window: frames of at least
  // `min_bytes` are compressed at `level` (where that makes them smaller).
  void compress_from(std::uint32_t min_bytes, int level) {
    compress_min_ = min_bytes;
    compress_level_ = static_cast<std::int8_t>(level);
  }

  // Keeps Beast's next write (the upgrade's 101 answer) and tells Beast at
  // once that it was written; it goes out in one write with whatever is
  // written next (the greeting frames): one syscall less per upgrade for the
  // server and one read less for the client. Whoever calls this must write
  // next or call send_held().
  void hold_next_write() { hold_ = true; }
  // Writes what hold_next_write() kept, if nothing took it yet; `done` runs
  // once it is written, and not at all if nothing was held.
  void send_held(Done done);

  // The client's close frame has arrived (the session hears it through
  // Beast's control callback): the teardown need not wait for the client.
  void mark_peer_sent_close() { peer_sent_close_ = true; }
  bool peer_sent_close() const { return peer_sent_close_; }

  // Writes the first of `count` frames of `frames` (a range of non-null
  // Frame; at most kMaxFrames or about kBatchBytes) as text frames in one
  // gathered write, and returns how many it took (at least one). The caller
  // keeps those frames alive until `done` runs, always later, never from
  // inside this call. One batch at a time.
  template <class Frames>
  std::size_t write_frames(const Frames& frames, std::size_t count, Done done) {
    Gather& batch = start_gather();
    std::size_t taken = 0;
    for (auto it = frames.begin(); it != frames.end() && taken < count && add(batch, **it); ++it) ++taken;
    submit(batch, std::move(done));
    return taken;
  }

 private:
  // A write of Beast's, held while a batch is in flight.
  struct BeastWrite {
    virtual ~BeastWrite() = default;
    virtual bool is_close_frame() const = 0;
    virtual void write(BasicBatchingStream& s, std::unique_ptr<BeastWrite> self) = 0;
  };
  template <class Buffers, class Handler>
  struct BeastWriteImpl final : BeastWrite {
    BeastWriteImpl(const Buffers& b, Handler&& h) : buffers(b), handler(std::move(h)) {}
    bool is_close_frame() const override {
      // A server's close frame starts with FIN + opcode 8; an HTTP answer with 'H'.
      unsigned char first = 0;
      return boost::asio::buffer_copy(boost::asio::buffer(&first, 1), buffers) == 1 && first == 0x88;
    }
    void write(BasicBatchingStream& s, std::unique_ptr<BeastWrite> self) override {
      auto ex = s.get_executor();
      boost::asio::async_write(
          s.inner_, buffers,
          boost::asio::bind_executor(ex, [&s, self = std::move(self)](boost::beast::error_code ec,
                                                                     std::size_t n) mutable {
            // Beast's handler holds the session (and so this stream) alive;
            // once it has run, `s` may be gone.
            auto* op = static_cast<BeastWriteImpl*>(self.get());
            Handler h = std::move(op->handler);
            self.reset();
            s.busy_ = false;
            s.next();
            std::move(h)(ec, n);
          }));
    }
    Buffers buffers;
    Handler handler;
  };
  // A batch as one sendmsg takes it; one per loop thread, filled and sent
  // within one call, so no socket holds one.
  struct Gather {
    std::array<std::array<unsigned char, 10>, kMaxFrames> headers;  // a frame header is at most 10 bytes
    std::array<iovec, 1 + 2 * kMaxFrames> iov;  // [0] the held write, if any; frames from [1]
    std::size_t iovs = 0;    // entries of iov in use
    std::size_t frames = 0;  // headers in use
    std::size_t bytes = 0;   // bytes in iov
  };
  // What is left of a batch that could not be sent at once (socket buffer
  // full, or a write in flight), written by asio from here: the payloads
  // stay where they are (the caller keeps the frames alive), the headers and
  // the buffer list are copied out of the thread's Gather.
  struct Rest {
    std::vector<std::array<unsigned char, 10>> headers;
    std::vector<boost::asio::const_buffer> buffers;
    Done done;
  };

  Gather& start_gather();  // this thread's Gather, emptied, the held write first
  bool add(Gather& batch, const FrameBytes& frame) const;  // false when full
  void submit(Gather& batch, Done done);
  static std::unique_ptr<Rest> rest_of(const Gather& batch, std::size_t offset, Done done);
  void write_rest(std::unique_ptr<Rest> rest);
  template <class Buffers, class Handler>
  void hold(const Buffers& buffers, Handler&& handler) {
    hold_ = false;
    held_.resize(boost::asio::buffer_size(buffers));
    boost::asio::buffer_copy(boost::asio::buffer(held_), buffers);
    boost::asio::post(get_executor(), [h = std::move(handler), n = held_.size()]() mutable {
      std::move(h)(boost::beast::error_code{}, n);
    });
  }
  void start(std::unique_ptr<BeastWrite> op);
  void next();

  next_layer_type inner_;
  std::unique_ptr<BeastWrite> beast_waiting_;
  std::unique_ptr<Rest> batch_waiting_;
  bool busy_ = false;          // a write is in flight on the socket
  bool close_written_ = false;  // Beast wrote a close frame: no data after it
  bool hold_ = false;           // hold_next_write() was called
  bool peer_sent_close_ = false;  // mark_peer_sent_close() was called
  std::string held_;            // a held write not yet sent, or in flight
  std::int8_t compress_level_ = 0;
  std::uint32_t compress_min_ = 0;  // 0: nothing is compressed
};

using BatchingStream = BasicBatchingStream<Socket>;
using TlsBatchingStream = BasicBatchingStream<TlsStream>;
extern template class BasicBatchingStream<Socket>;
extern template class BasicBatchingStream<TlsStream>;

// Beast's websocket close and timeouts tear down the TCP stream underneath
// (after TLS's close_notify).
template <class Next>
void teardown(boost::beast::role_type role, BasicBatchingStream<Next>& stream, boost::beast::error_code& ec) {
  using boost::beast::websocket::teardown;
  close_notify(stream.next_layer());
  teardown(role, boost::beast::get_lowest_layer(stream), ec);
}

// Beast tears the TCP stream down after the close frames, and after the
// close frame of a protocol error. Its own teardown switches the socket to
// blocking-style reads (an ioctl), shuts it down for writing, reads until the
// client's FIN (often one more wait on the loop) and closes: five to seven
// syscalls per socket, ~16 % of the gateway's CPU in a storm of closes. Once
// the client's own close frame has arrived nothing more may come from it
// (RFC 6455 5.5.1), so the socket is closed at once: the kernel sends what is
// still queued, then the same FIN. After a protocol error the client may
// still be sending, and a close would answer its bytes with a reset that can
// cost it the close frame (a proxy in between may drop it): Beast's graceful
// teardown runs then. Over TLS the close_notify goes first, in both cases.
template <class Next, class TeardownHandler>
void async_teardown(boost::beast::role_type role, BasicBatchingStream<Next>& stream, TeardownHandler&& handler) {
  close_notify(stream.next_layer());
  Socket& socket = boost::beast::get_lowest_layer(stream);
  if (!stream.peer_sent_close()) {
    using boost::beast::websocket::async_teardown;
    return async_teardown(role, socket, std::forward<TeardownHandler>(handler));
  }
  boost::beast::error_code ec;
  socket.close(ec);
  boost::asio::post(stream.get_executor(),
                    boost::beast::bind_front_handler(std::forward<TeardownHandler>(handler), ec));
}

}  // namespace gangway::net
