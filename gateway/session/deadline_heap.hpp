#pragma once
// Items ordered by a deadline, for one loop: a binary min-heap in one vector
// whose items remember their own position, so an item that goes away early
// (a socket that closes before its token expires) leaves in O(log n) without
// a search. Per item: 16 bytes in the vector and the 4-byte position it
// keeps; no allocation of its own and no timer (docs/architecture.md,
// "Token lifetime": the loop checks the heap once a second).
//
// T provides `std::uint32_t& deadline_slot(T&)`, found by argument-dependent
// lookup: where the heap keeps the item's position (kNotQueued when it is in
// no heap). Not thread-safe: one heap per loop, touched only there.
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace gangway {

template <class T>
class DeadlineHeap {
 public:
  static constexpr std::uint32_t kNotQueued = std::numeric_limits<std::uint32_t>::max();

  std::size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  // The nearest deadline; only when not empty().
  std::int64_t next() const { return heap_.front().at; }

  // Queues `item` for `at`, or moves it there if it is queued already.
  void push(T& item, std::int64_t at) {
    std::uint32_t& slot = deadline_slot(item);
    if (slot != kNotQueued) erase(item);
    slot = static_cast<std::uint32_t>(heap_.size());
    heap_.push_back({at, &item});
    up(slot);
  }

  // Takes `item` out; nothing if it is not queued.
  void erase(T& item) {
    std::uint32_t& slot = deadline_slot(item);
    if (slot == kNotQueued) return;
    const std::uint32_t at = slot;
    slot = kNotQueued;
    if (at + 1 == heap_.size()) return heap_.pop_back();
    heap_[at] = heap_.back();
    heap_.pop_back();
    deadline_slot(*heap_[at].item) = at;
    down(up(at));
  }

  // Takes out every item due at `now` (deadline <= now), nearest first. The
  // items are handed back rather than called, so that what the caller does
  // with them (close a socket) may erase or push items meanwhile.
  std::vector<T*> pop_due(std::int64_t now) {
    std::vector<T*> due;
    while (!heap_.empty() && heap_.front().at <= now) {
      T* item = heap_.front().item;
      erase(*item);
      due.push_back(item);
    }
    return due;
  }

 private:
  struct Entry {
    std::int64_t at;
    T* item;
  };

  void place(std::uint32_t i, Entry e) {
    heap_[i] = e;
    deadline_slot(*e.item) = i;
  }
  // Sifts heap_[i] towards the root; returns where it stopped.
  std::uint32_t up(std::uint32_t i) {
    Entry e = heap_[i];
    while (i > 0) {
      std::uint32_t parent = (i - 1) / 2;
      if (heap_[parent].at <= e.at) break;
      place(i, heap_[parent]);
      i = parent;
    }
    place(i, e);
    return i;
  }
  void down(std::uint32_t i) {
    Entry e = heap_[i];
    const auto n = static_cast<std::uint32_t>(heap_.size());
    for (;;) {
      std::uint32_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap_[child + 1].at < heap_[child].at) ++child;
      if (e.at <= heap_[child].at) break;
      place(i, heap_[child]);
      i = child;
    }
    place(i, e);
  }

  std::vector<Entry> heap_;
};

}  // namespace gangway
