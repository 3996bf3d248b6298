// How the gateway itself ends a session: an expired token, a disconnect
// from a backend or an operator, and a drain that lets stores finish first.
#include "gateway/session/session.hpp"

namespace gangway {

namespace {
constexpr std::string_view kGoingAway = "going away";
}  // namespace

void Session::end(Ending why, std::string_view detail) {
  if (!open_ || peer_.closing()) return;
  ended_ = why == Ending::token_expired ? Ended::token_expired : Ended::disconnected;
  (why == Ending::token_expired ? app_.metrics->tokens_expired : app_.metrics->disconnected)
      .fetch_add(1, std::memory_order_relaxed);
  CloseFrame frame = app_.adapter->close_for(why, detail);
  peer_.close(frame.code, frame.reason);
}

void Session::drain() {
  if (!open_ || peer_.closing() || draining()) return;
  ended_ = Ended::shutdown;
  // Queued stores would not be stored now: the client sends them again once reconnected.
  refuse_queued_stores();
  // A store's acknowledgement is worth the wait: without it the client would
  // send the message again elsewhere, and it would be stored twice.
  if (stores_in_flight_ == 0) peer_.finish(1001, kGoingAway);
}

void Session::abandon_stores() {
  if (!open_ || peer_.closing()) return;
  ended_ = Ended::shutdown;
  for (; stores_in_flight_ > 0; --stores_in_flight_)
    send_error({ErrorCode::store_failed,
                "the gateway shut down before the store answered: the message may not have been stored", "", ""});
  refuse_queued_stores();
  peer_.finish(1001, kGoingAway);
}

void Session::store_settled() {
  {
    // The actions queued behind the store run now, before a drain's close.
    WaitOver over(*this);
    if (stores_in_flight_ > 0) --stores_in_flight_;
  }
  if (draining() && stores_in_flight_ == 0) peer_.finish(1001, kGoingAway);
}

}  // namespace gangway
