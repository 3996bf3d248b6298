#pragma once
// The actions of one socket waiting behind the one in flight (Session: a
// socket's frames take effect in the order they came). A FIFO made when the
// first action has to wait and freed once empty again, so a socket that
// never waits carries one null pointer. Only on the socket's loop.
#include <cstddef>
#include <deque>
#include <memory>

#include "gateway/core/model.hpp"

namespace gangway {

class ActionQueue {
 public:
  bool empty() const { return !actions_ || actions_->empty(); }
  std::size_t size() const { return actions_ ? actions_->size() : 0; }
  void push(Action&& action) {
    if (!actions_) actions_ = std::make_unique<std::deque<Action>>();
    actions_->push_back(std::move(action));
  }
  // The oldest; only if !empty().
  Action pop() {
    Action oldest = std::move(actions_->front());
    actions_->pop_front();
    if (actions_->empty()) actions_.reset();
    return oldest;
  }
  void clear() { actions_.reset(); }

 private:
  std::unique_ptr<std::deque<Action>> actions_;
};

}  // namespace gangway
