// A socket's frames take effect in the order the client sent them, as
// nats-server and Centrifugo handle one connection's commands: while one of
// its actions waits (its authorization callout, its store, its join, a
// sender profile), the ones after it wait in a FIFO (ActionQueue) and run in
// order as each completes — even those that would not wait themselves, so
// that nothing overtakes. A socket with nothing in flight runs its action at
// once, as before. What is checked as a frame comes stays so: its rate
// (counted when it arrives, not when it runs) and, while draining, the
// refusal of a store. A full queue stops reading the socket (Peer::
// pause_reading) until there is room: the client's TCP window fills, as
// with a server that is slow to read, rather than its frames being dropped.
#include "gateway/session/session.hpp"

namespace gangway {

void Session::execute(Action&& action) {
  if (!waiting_) return run(std::move(action), false);
  using Type = Action::Type;
  if (action.type == Type::ignore) return;
  if (action.type == Type::publish && !within_rate(action)) return send_error(rate_limited(action));
  if (action.persist && draining()) return send_error(restarting(action.request_event));
  queued_.push(std::move(action));
  if (!reads_paused_ && queued_.size() >= app_.limits.max_queued_frames) {
    reads_paused_ = true;
    app_.metrics->reads_paused.fetch_add(1, std::memory_order_relaxed);
    queued_.hold(peer_.shared());
    peer_.pause_reading();
  }
}

void Session::run_queued() {
  // Called again from an action that ended at once (a join of a room already
  // subscribed): the loop below goes on once it returns.
  if (running_queue_) return;
  running_queue_ = true;
  while (!waiting_ && !queued_.empty() && !peer_.closing()) {
    Action next = queued_.pop();
    resume_if_room();
    run(std::move(next), /*rated=*/true);
  }
  running_queue_ = false;
}

void Session::resume_if_room() {
  if (!reads_paused_ || queued_.size() >= app_.limits.max_queued_frames) return;
  reads_paused_ = false;
  peer_.resume_reading();
  queued_.unhold();
}

void Session::refuse_queued_stores() {
  for (std::size_t n = queued_.size(); n > 0; --n) {
    Action action = queued_.pop();
    if (action.persist) send_error(restarting(action.request_event));
    else queued_.push(std::move(action));
  }
  resume_if_room();
}

DialectError Session::restarting(std::string request_event) {
  return {ErrorCode::unavailable, "the gateway is restarting: send it again once reconnected", "",
          std::move(request_event)};
}

DialectError Session::rate_limited(const Action& action) {
  return {ErrorCode::rate_limited, "too many " + action.kind + " frames, slow down", "", action.request_event};
}

}  // namespace gangway
