#pragma once
// Accepts TCP connections for one app and hands each to a session pinned to
// the next loop (round-robin).
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "gateway/app/runtime.hpp"
#include "gateway/net/loop_pool.hpp"

namespace gangway::net {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Throws boost::system::system_error if the address cannot be bound.
  Listener(LoopPool& loops, AppRuntime& app, Services& services);
  void start();
  void stop();  // closes the acceptor (on its loop); open sessions are untouched
  std::uint16_t port() const { return port_; }

 private:
  void do_accept();
  LoopPool& loops_;
  AppRuntime& app_;
  Services& services_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::size_t target_loop_ = 0;
};

}  // namespace gangway::net
