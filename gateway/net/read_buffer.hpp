#pragma once
// The session's read buffer: a flat_buffer that stays small while a socket
// waits for its next message.
//
// Before each read Beast prepares min(1536, max_size() - size()) bytes in the
// buffer, so a plain flat_buffer holds 1.5 KiB for every idle socket. Once
// small_steps() is on, max_size() says "`step` more bytes": Beast then
// copies a message out of its own frame buffer in steps of that size and the
// buffer grows only while a message arrives. This is not a message limit
// (that is read_message_max); release() after a message gives the memory back.
#include <algorithm>
#include <boost/beast/core/flat_buffer.hpp>
#include <cstddef>

namespace gangway::net {

class ReadBuffer : public boost::beast::flat_buffer {
 public:
  // An idle socket holds one step. Client frames are rare next to fan-out, so
  // a typical 100–500-byte frame taking a few more steps costs little.
  static constexpr std::size_t kStep = 64;

  std::size_t max_size() const noexcept {
    auto most = boost::beast::flat_buffer::max_size();
    return small_ ? std::min(most, size() + kStep) : most;
  }
  // After the HTTP upgrade (which reads in larger steps).
  void small_steps() noexcept { small_ = true; }
  // Empties the buffer and frees its memory.
  void release() {
    consume(size());
    shrink_to_fit();
  }

 private:
  bool small_ = false;
};

}  // namespace gangway::net
