#pragma once
// Accepts TCP connections for one app: one acceptor per loop on the same port
// (SO_REUSEPORT), so the kernel spreads new connections over the loops and
// each loop starts its own sessions, with no hand-off between threads.
//
// An accept that fails (out of file descriptors, above all) pauses that loop's
// acceptor for a moment instead of retrying at once: the connection stays in
// the kernel's backlog, so retrying would spin a core until a descriptor frees.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "gateway/net/loop_pool.hpp"
#include "gateway/net/socket.hpp"
#include "gateway/tls/server_tls.hpp"

namespace gangway {
struct AppRuntime;
struct Services;
}  // namespace gangway

namespace gangway::net {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Throws boost::system::system_error if the address cannot be bound.
  // With `tls`, every connection starts with a TLS handshake on the context
  // `tls` holds at its accept (so a reload applies to the next accept).
  Listener(LoopPool& loops, AppRuntime& app, Services& services, std::shared_ptr<tls::ServerTls> tls = nullptr);
  void start();
  void stop();  // closes the acceptors (each on its loop); open sessions are untouched
  // Once no thread runs the loops: frees the acceptors now, while every
  // loop's io_context exists. A pending accept keeps the Listener alive until
  // its own io_context is destroyed, by which time another loop's io_context,
  // with that loop's acceptor on it, may be gone.
  void release();
  std::uint16_t port() const { return port_; }

  static constexpr std::chrono::milliseconds kAcceptPause{100};

 private:
  void do_accept(std::size_t loop);
  void pause_accepting(std::size_t loop, const boost::system::error_code& why);
  void start_session(Socket&& socket, std::size_t loop);
  LoopPool& loops_;
  AppRuntime& app_;
  Services& services_;
  const std::shared_ptr<tls::ServerTls> tls_;
  struct Acceptor {
    boost::asio::ip::tcp::acceptor socket;
    boost::asio::steady_timer pause;  // runs while accepting is paused after an error
    bool failing = false;             // logged the current run of errors
  };
  std::vector<std::unique_ptr<Acceptor>> acceptors_;  // [i] on loop i
  std::uint16_t port_ = 0;
};

}  // namespace gangway::net
