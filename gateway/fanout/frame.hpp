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
#include <memory>
#include <string>
#include <string_view>

namespace gangway {

class FrameBytes {
 public:
  using Time = std::chrono::steady_clock::time_point;
  // `received`: for an event, when the gateway received it from the bus (the
  // clock its delivery deadline runs on, gateway/fanout/backlog.hpp); the
  // default for any other frame (a reply, a greeting), which never expires.
  explicit FrameBytes(std::string text, Time received = {}) : text_(std::move(text)), received_(received) {}
  ~FrameBytes();
  FrameBytes(const FrameBytes&) = delete;
  FrameBytes& operator=(const FrameBytes&) = delete;

  const std::string& text() const { return text_; }
  std::size_t size() const { return text_.size(); }
  // An event from the bus, with the time the gateway received it.
  bool is_event() const { return received_ != Time{}; }
  Time received() const { return received_; }

  // The payload of a compressed frame (RSV1) carrying this text, deflated at
  // `level` (1–9), or null when compressing does not make it smaller. Safe
  // from any thread; computed once (threads that race both compress, one
  // result is kept). A frame belongs to one app, so `level` is always the same.
  const std::string* deflated(int level) const;

 private:
  std::string text_;
  Time received_;
  // null: not compressed yet; &text_: compressing does not help; else owned.
  mutable std::atomic<const std::string*> deflated_{nullptr};
};

// Encoded once per dialect, shared by every recipient.
using Frame = std::shared_ptr<const FrameBytes>;

inline Frame make_frame(std::string text) { return std::make_shared<const FrameBytes>(std::move(text)); }
// An event the gateway received from the bus at `received`.
inline Frame make_event_frame(std::string text, FrameBytes::Time received) {
  return std::make_shared<const FrameBytes>(std::move(text), received);
}

// `text` as the payload of one compressed WebSocket message (RFC 7692 7.2.1:
// raw deflate, flushed, without the trailing 00 00 ff ff), compressed alone.
std::string deflate_message(std::string_view text, int level);

}  // namespace gangway
