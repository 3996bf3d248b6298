#include "gateway/net/send_queue.hpp"

#include <utility>

namespace gangway::net {
namespace {
// A drained queue keeps this many slots, so a socket that gets an event now
// and then does not allocate for each.
constexpr std::size_t kKeptSlots = 8;
}  // namespace

const FrameBytes* SendQueue::first_waiting_event() const {
  for (std::size_t i = head_ + in_flight_; i < frames_.size(); ++i)
    if (frames_[i]->is_event()) return frames_[i].get();  // nearly always the first: replies are rare
  return nullptr;
}

SendQueue::Offer SendQueue::offer(const Frame& frame, std::size_t max_bytes, std::chrono::nanoseconds max_delay) {
  if (frame->is_event()) {
    if (const FrameBytes* oldest = first_waiting_event(); oldest && frame->arrived() - oldest->arrived() > max_delay)
      return Offer::shed;
  }
  if (bytes_ + frame->size() > max_bytes) return Offer::overflow;
  bytes_ += frame->size();
  frames_.push_back(frame);
  return Offer::queued;
}

std::size_t SendQueue::drop_events_before(FrameBytes::Time oldest) {
  // Events are in the order the bus delivered them, so when the first is in
  // time they all are: one look in the common case.
  const FrameBytes* first = first_waiting_event();
  if (!first || first->arrived() >= oldest) return 0;
  std::size_t kept = head_ + in_flight_, dropped = 0;
  for (std::size_t i = kept; i < frames_.size(); ++i) {
    if (frames_[i]->is_event() && frames_[i]->arrived() < oldest) {
      bytes_ -= frames_[i]->size();
      ++dropped;
    } else {
      frames_[kept++] = std::move(frames_[i]);
    }
  }
  frames_.resize(kept);
  return dropped;
}

std::size_t SendQueue::finish_write() {
  std::size_t bytes = 0;
  for (std::size_t i = head_; i < head_ + in_flight_; ++i) {
    bytes += frames_[i]->size();
    frames_[i].reset();  // the last socket to write a frame frees it
  }
  bytes_ -= bytes;
  head_ += in_flight_;
  in_flight_ = 0;
  if (head_ == frames_.size()) {
    frames_.clear();
    head_ = 0;
    if (frames_.capacity() > kKeptSlots) std::vector<Frame>().swap(frames_);  // a burst's slots go back
  } else if (head_ >= frames_.size() / 2) {
    frames_.erase(frames_.begin(), frames_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  return bytes;
}

void SendQueue::drop_waiting() {
  for (std::size_t i = head_ + in_flight_; i < frames_.size(); ++i) bytes_ -= frames_[i]->size();
  frames_.resize(head_ + in_flight_);
}

void SendQueue::clear() {
  std::vector<Frame>().swap(frames_);
  head_ = in_flight_ = bytes_ = 0;
}

std::vector<Frame> SendQueue::take_all() {
  std::vector<Frame> all;
  all.swap(frames_);
  all.erase(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(head_));
  head_ = in_flight_ = bytes_ = 0;
  return all;
}

}  // namespace gangway::net
