#pragma once
// The actions of one socket waiting behind the one in flight (Session: a
// socket's frames take effect in the order they came). A FIFO made when the
// first action has to wait and freed once empty again, so a socket that
// never waits carries one null pointer. Only on the socket's loop.
#include <cstddef>
#include <deque>
#include <memory>

#include "gateway/core/model.hpp"
#include "gateway/session/peer.hpp"

namespace gangway {

class ActionQueue {
 public:
  bool empty() const { return !queue_ || queue_->actions.empty(); }
  std::size_t size() const { return queue_ ? queue_->actions.size() : 0; }
  void push(Action&& action) {
    if (!queue_) queue_ = std::make_unique<Queue>();
    queue_->actions.push_back(std::move(action));
  }
  // The oldest; only if !empty().
  Action pop() {
    Action oldest = std::move(queue_->actions.front());
    queue_->actions.pop_front();
    free_if_done();
    return oldest;
  }
  // While the socket is not read (Peer::pause_reading), nothing else may
  // hold it: the queue does, from a moment it is not empty until unheld().
  void hold(std::shared_ptr<Peer> peer) { queue_->held = std::move(peer); }
  // Call after Peer::resume_reading (whose read holds the socket from then on).
  void unhold() {
    if (!queue_) return;
    queue_->held.reset();
    free_if_done();
  }
  // The socket closed: its handler holds it.
  void clear() { queue_.reset(); }

 private:
  struct Queue {
    std::deque<Action> actions;
    std::shared_ptr<Peer> held;
  };
  void free_if_done() {
    if (queue_->actions.empty() && !queue_->held) queue_.reset();
  }
  std::unique_ptr<Queue> queue_;
};

}  // namespace gangway
