#pragma once
// A text frame's payload as the fan-out shares it between sockets.
//
// Encoded once per dialect and shared by every recipient. The first socket
// that negotiated permessage-deflate (RFC 7692) and writes the frame also
// compresses it, once for all such sockets: each message is compressed on its
// own (the server announces server_no_context_takeover), so the same bytes
// are valid on every compressed socket.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace gangway {

class FrameBytes {
 public:
  using Clock = std::chrono::steady_clock;
  using Time = Clock::time_point;
  // `arrived`: when the gw.out message this frame renders came from NATS
  // (the fan-out's frames); zero for the others (replies, greetings).
  explicit FrameBytes(std::string text, Clock::time_point arrived = {}) : text_(std::move(text)), arrived_(arrived) {}
  ~FrameBytes();
  FrameBytes(const FrameBytes&) = delete;
  FrameBytes& operator=(const FrameBytes&) = delete;

  const std::string& text() const { return text_; }
  std::size_t size() const { return text_.size(); }

  // The payload of a compressed frame (RSV1) carrying this text, deflated at
  // `level` (1–9), or null when compressing does not make it smaller. Safe
  // from any thread; computed once (threads that race both compress, one
  // result is kept). A frame belongs to one app, so `level` is always the same.
  const std::string* deflated(int level) const;

  Clock::time_point arrived() const { return arrived_; }
  // An event from the bus: it has an arrival time, the clock its delivery
  // deadline runs on (docs/architecture.md, "Overload"); other frames never expire.
  bool is_event() const { return arrived_ != Clock::time_point{}; }
  // For gangway_publish_to_write_seconds: true once per loop (< 64), for the
  // first of its sockets to finish writing this frame, and only for frames
  // with an arrival time: one observation per event per loop, never per
  // socket. Any loop; costs one relaxed load after the first call per loop.
  bool first_written_on(std::size_t loop) const {
    if (arrived_ == Clock::time_point{}) return false;
    const std::uint64_t bit = std::uint64_t{1} << (loop & 63);
    if (written_on_.load(std::memory_order_relaxed) & bit) return false;
    return !(written_on_.fetch_or(bit, std::memory_order_relaxed) & bit);
  }

 private:
  std::string text_;
  Clock::time_point arrived_;
  mutable std::atomic<std::uint64_t> written_on_{0};  // bit i: a socket on loop i wrote it
  // null: not compressed yet; &text_: compressing does not help; else owned.
  mutable std::atomic<const std::string*> deflated_{nullptr};
};

// Encoded once per dialect, shared by every recipient.
using Frame = std::shared_ptr<const FrameBytes>;

inline Frame make_frame(std::string text, FrameBytes::Clock::time_point arrived = {}) {
  return std::make_shared<const FrameBytes>(std::move(text), arrived);
}

// `text` as the payload of one compressed WebSocket message (RFC 7692 7.2.1:
// raw deflate, flushed, without the trailing 00 00 ff ff), compressed alone.
std::string deflate_message(std::string_view text, int level);

}  // namespace gangway
