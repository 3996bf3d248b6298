#pragma once
// A socket's frames on their way out: the one write in flight and the frames
// waiting behind it, bounded in bytes and, for events, in time.
//
// Events carry the time the gateway received them (FrameBytes::arrived).
// A socket that cannot take what its loop delivers falls behind; rather than
// let its queue grow (memory) and its events age (latency), the queue sheds
// (docs/architecture.md, "Overload"):
//  - an event offered while the oldest event waiting is more than
//    `max_delay` older than it is not queued (the socket is that far behind);
//  - before each write, waiting events received before now - max_delay are
//    dropped: what is written left the bus at most max_delay ago.
// Other frames (greetings, replies, errors, the close) are never shed; past
// `max_bytes` the socket is a slow consumer and its owner closes it (1008).
// A socket that keeps up never has an event waiting that long, and loses nothing.
//
// Single-threaded (the socket's loop). A vector, not a deque: an empty
// std::deque holds 576 bytes, for every idle socket.
#include <chrono>
#include <cstddef>
#include <span>
#include <vector>

#include "gateway/fanout/frame.hpp"

namespace gangway::net {

class SendQueue {
 public:
  enum class Offer {
    queued,
    shed,      // an event, dropped: the socket is more than max_delay behind
    overflow,  // nothing queued: past max_bytes (the caller closes the socket)
  };
  Offer offer(const Frame& frame, std::size_t max_bytes, std::chrono::nanoseconds max_delay);

  // Drops the waiting events received before `oldest`; how many.
  std::size_t drop_events_before(FrameBytes::Time oldest);
  // The frames waiting behind the write in flight, oldest first.
  std::span<const Frame> waiting() const { return std::span<const Frame>(frames_).subspan(head_ + in_flight_); }
  // The frames of the write in flight.
  std::span<const Frame> writing() const { return std::span<const Frame>(frames_).subspan(head_, in_flight_); }
  // The first `n` waiting frames are being written.
  void start_write(std::size_t n) { in_flight_ = n; }
  // The write in flight is done (or failed): its frames are released. Their
  // bytes (written, unless the write failed).
  std::size_t finish_write();
  // Drops every waiting frame (a close); the write in flight stays.
  void drop_waiting();
  // Drops everything (the socket failed).
  void clear();
  // Every frame, the queue emptied; for a greeting that must go first.
  std::vector<Frame> take_all();

  std::size_t in_flight() const { return in_flight_; }
  std::size_t waiting_count() const { return frames_.size() - head_ - in_flight_; }
  std::size_t bytes() const { return bytes_; }  // in flight and waiting

 private:
  // The first waiting event, or null.
  const FrameBytes* first_waiting_event() const;

  // Frames before head_ are written; they go once they are half of the
  // vector, so a long backlog costs O(1) per frame.
  std::vector<Frame> frames_;
  std::size_t head_ = 0;
  std::size_t in_flight_ = 0;  // frames from head_ on being written
  std::size_t bytes_ = 0;
};

}  // namespace gangway::net
