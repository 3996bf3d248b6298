#include "gateway/net/batching_stream.hpp"

#include <array>
#include <span>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

namespace gangway::net {

namespace asio = boost::asio;
namespace beast = boost::beast;


std::vector<std::unique_ptr<BatchingStream::Batch>>& BatchingStream::spares() {
  thread_local std::vector<std::unique_ptr<Batch>> spare;
  return spare;
}

void teardown(beast::role_type role, BatchingStream& stream, beast::error_code& ec) {
  using beast::websocket::teardown;
  teardown(role, stream.next_layer(), ec);
}

std::unique_ptr<BatchingStream::Batch> BatchingStream::take_batch(Done done) {
  auto& spare = spares();
  std::unique_ptr<Batch> batch;
  if (spare.empty()) {
    batch = std::make_unique<Batch>();
  } else {
    batch = std::move(spare.back());
    spare.pop_back();
  }
  batch->count = 0;
  batch->frames = 0;
  batch->done = std::move(done);
  return batch;
}

bool BatchingStream::add(Batch& batch, const FrameBytes& frame) const {
  if (batch.frames == kMaxFrames) return false;
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
  batch.buffers[1 + batch.count++] = asio::const_buffer(h.data(), n);
  if (len) batch.buffers[1 + batch.count++] = asio::const_buffer(payload.data(), len);
  return true;
}

void BatchingStream::submit(std::unique_ptr<Batch> batch) {
  if (close_written_) {
    auto fail = std::move(batch->done);
    spares().push_back(std::move(batch));
    return asio::post(get_executor(), [fail = std::move(fail)] { fail(asio::error::broken_pipe); });
  }
  if (busy_) {
    batch_waiting_ = std::move(batch);
  } else {
    start(std::move(batch));
  }
}

void BatchingStream::send_held(Done done) {
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

void BatchingStream::start(std::unique_ptr<BeastWrite> op) {
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

void BatchingStream::start(std::unique_ptr<Batch> batch) {
  busy_ = true;
  bool with_held = !held_.empty();
  if (with_held) batch->buffers[0] = asio::buffer(held_);
  std::span<const asio::const_buffer> buffers(batch->buffers.data() + (with_held ? 0 : 1),
                                              batch->count + (with_held ? 1 : 0));
  // Data frames need no deadline of their own: Beast's idle and close
  // timeouts tear the socket down under a peer that stops reading.
  asio::async_write(inner_, buffers,
                    asio::bind_executor(get_executor(), [this, batch = std::move(batch)](beast::error_code ec,
                                                                                         std::size_t) mutable {
                      // batch->done holds the session (and so this stream) alive.
                      Done done = std::move(batch->done);
                      if (spares().size() < 64) spares().push_back(std::move(batch));
                      if (!held_.empty()) std::string().swap(held_);
                      busy_ = false;
                      next();
                      done(ec);
                    }));
}

void BatchingStream::next() {
  if (beast_waiting_) return start(std::move(beast_waiting_));
  if (!batch_waiting_) return;
  auto batch = std::move(batch_waiting_);
  if (!close_written_) return start(std::move(batch));
  asio::post(get_executor(), [done = std::move(batch->done)] { done(asio::error::broken_pipe); });
}

}  // namespace gangway::net
