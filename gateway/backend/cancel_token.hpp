#pragma once
// Lets the owner of callouts withdraw the ones not yet sent: a session whose
// socket closed makes its pending authorizations pointless, and a backend
// that is slow or down should not also get the requests of clients that are
// gone. Thread-safe: cancel() on any thread, seen by every copy.
#include <atomic>
#include <memory>
#include <utility>

namespace gangway::backend {

class CancelToken {
 public:
  // A live token: not cancelled until cancel() is called on it or on a copy.
  CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  // A token over a flag that lives in an object already shared (a session's,
  // inside its socket: Session::cancel_token()): `flag` shares that object's
  // ownership (shared_ptr's aliasing constructor), so the token allocates
  // nothing and each copy keeps the object alive. Not null.
  explicit CancelToken(std::shared_ptr<std::atomic<bool>> flag) noexcept : flag_(std::move(flag)) {}

  // Idempotent. Calls passed this token that are still waiting for a worker
  // complete as cancelled and are never sent; a call already sent runs to its
  // answer (its request may have had effects, so its answer still counts).
  void cancel() const noexcept { flag_->store(true, std::memory_order_relaxed); }
  bool cancelled() const noexcept { return flag_->load(std::memory_order_relaxed); }

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

}  // namespace gangway::backend
