#pragma once
// One io_context per core, one thread each. A session is pinned to one loop
// for its whole life; cross-thread work reaches it only through post().
#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace gangway::net {

class LoopPool {
 public:
  explicit LoopPool(unsigned count);  // 0: one per hardware thread
  ~LoopPool();

  std::size_t size() const { return loops_.size(); }
  boost::asio::io_context& loop(std::size_t i) { return *loops_[i]; }
  // Runs `fn` on loop i, after what was posted before it. Posts that arrive
  // while the loop has not yet run the previous ones join them: one wake-up of
  // the loop per burst (the bus hands over one event at a time), not per event.
  // A burst is run in turns of about kTurn, each followed by the socket work
  // that became ready meanwhile (write completions, reads, accepts): a long
  // burst of fan-out must not hold back the writes that empty its queues.
  void post(std::size_t i, std::function<void()> fn);
  static constexpr std::chrono::microseconds kTurn{500};

  void start();
  void stop();  // stops the loops and joins their threads
  // After stop(): destroys the io_contexts, and with them the handlers (and
  // sessions) still pending, while everything they reference is alive.
  void destroy();
  // Index of the loop running the calling thread, or size() if none.
  std::size_t current() const;

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  struct Inbox {
    std::mutex mu;
    std::vector<std::function<void()>> queued;  // guarded by mu
    bool scheduled = false;                     // a drain is posted; guarded by mu
    std::vector<std::function<void()>> running;  // only on the loop's thread
    std::size_t next = 0;                        // running[next..] are still to run
  };
  void drain(std::size_t i);

  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
  std::vector<std::unique_ptr<Inbox>> inboxes_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
};

}  // namespace gangway::net
