#pragma once
// The client's half of RFC 6455 framing, for gangway-load. A socket's bytes
// are read in large chunks and its frames parsed in place: a library client
// (Beast) reads a small frame header buffer at a time and runs a composed
// operation per frame, a per-frame cost that a server sending one frame per
// event (every dialect) pays in the load tool and a server packing many
// messages into one frame (nats-server) does not. With permessage-deflate
// (RFC 7692) compressed messages are inflated.
#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace gangway::bench {

enum Opcode : int { kContinuation = 0, kText = 1, kBinary = 2, kClose = 8, kPing = 9, kPong = 10 };

// One masked client frame, FIN set (clients must mask, RFC 6455 5.3).
std::string client_frame(int opcode, std::string_view payload, std::uint32_t mask);
// The payload of a close frame with `code` and no reason.
std::string close_payload(std::uint16_t code);
// The code a close frame's payload carries, or 1005 (none) when it has none.
int close_code(std::string_view payload);

// The frames a server sends on one socket, fed in the chunks they were read in.
class FrameReader {
 public:
  // After the 101 agreed permessage-deflate; `reset_each_message` when the
  // server said server_no_context_takeover.
  void enable_inflate(bool reset_each_message);

  // Parses every whole frame in the bytes fed so far plus `bytes`, and calls
  // on_message(opcode, payload) for each complete message (text or binary,
  // reassembled and inflated) and control frame. The payload is valid only
  // during the call. Returns false, with error() set, on a framing error.
  template <class OnMessage>
  bool feed(std::string_view bytes, OnMessage&& on_message) {
    std::string_view in = bytes;
    if (!partial_.empty()) {
      partial_.append(bytes);
      in = partial_;
    }
    std::size_t used = 0;
    for (;;) {
      Frame f;
      Parse p = parse(in.substr(used), f);
      if (p == Parse::incomplete) break;
      if (p == Parse::bad) return false;
      used += f.size;
      std::string_view message;
      if (!complete(f, message)) {
        if (!error_.empty()) return false;
        continue;  // a fragment: the message is still on its way
      }
      on_message(f.opcode, message);
    }
    keep_rest(in, used);
    return true;
  }

  const std::string& error() const { return error_; }

 private:
  struct Frame {
    int opcode = 0;
    bool fin = false, compressed = false;
    std::string_view payload;
    std::size_t size = 0;  // header and payload
  };
  enum class Parse { whole, incomplete, bad };
  Parse parse(std::string_view in, Frame& f);
  // True when `f` ends a message (or is a control frame); `message` is then
  // its whole payload, inflated if it was compressed.
  bool complete(Frame& f, std::string_view& message);
  bool inflate(std::string_view compressed);
  void keep_rest(std::string_view in, std::size_t used);

  std::string partial_;    // bytes of a frame not yet whole
  std::string fragments_;  // a message's payload before its last fragment
  int message_opcode_ = 0;
  bool message_compressed_ = false;
  std::string inflated_;
  struct ZDeleter {
    void operator()(z_stream* z) const;
  };
  std::unique_ptr<z_stream, ZDeleter> inflater_;  // only after permessage-deflate was agreed
  bool reset_each_message_ = false;
  std::string error_;
};

}  // namespace gangway::bench
