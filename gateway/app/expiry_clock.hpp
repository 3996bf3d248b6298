#pragma once
// Closes the sockets whose token has expired: one timer per loop, firing
// once a second, takes what is due from that loop's heap
// (Services::expiries) and ends each with the dialect's close
// (Session::end(Ending::token_expired)). No timer per socket: an idle socket
// pays 16 bytes in its loop's heap and 4 in its session.
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <vector>

#include "gateway/net/loop_pool.hpp"
#include "gateway/session/runtime.hpp"

namespace gangway {

class ExpiryClock {
 public:
  // `loops` and `services` outlive this.
  ExpiryClock(net::LoopPool& loops, Services& services);
  // Only once no thread runs the loops (LoopPool::stop), before they are destroyed.
  ~ExpiryClock();
  ExpiryClock(const ExpiryClock&) = delete;
  ExpiryClock& operator=(const ExpiryClock&) = delete;

  // Arms every loop's timer; their first check is a second from now.
  void start();

 private:
  void arm(std::size_t loop);
  void tick(std::size_t loop);

  Services& services_;
  std::vector<std::unique_ptr<boost::asio::steady_timer>> timers_;  // [i] on loop i
};

}  // namespace gangway
