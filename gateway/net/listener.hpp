#pragma once
// Accepts TCP connections for one app: one acceptor per loop on the same port
// (SO_REUSEPORT), so the kernel spreads new connections over the loops and
// each loop starts its own sessions, with no hand-off between threads.
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <vector>

#include "gateway/app/runtime.hpp"
#include "gateway/net/loop_pool.hpp"

namespace gangway::net {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Throws boost::system::system_error if the address cannot be bound.
  Listener(LoopPool& loops, AppRuntime& app, Services& services);
  void start();
  void stop();  // closes the acceptors (each on its loop); open sessions are untouched
  std::uint16_t port() const { return port_; }

 private:
  void do_accept(std::size_t loop);
  LoopPool& loops_;
  AppRuntime& app_;
  Services& services_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;  // [i] on loop i
  std::uint16_t port_ = 0;
};

}  // namespace gangway::net
