#include "gateway/net/listener.hpp"

#include <sys/socket.h>

#include <boost/asio/post.hpp>

#include "gateway/net/ws_session.hpp"

namespace gangway::net {

using boost::asio::ip::tcp;
using ReusePort = boost::asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

Listener::Listener(LoopPool& loops, AppRuntime& app, Services& services)
    : loops_(loops), app_(app), services_(services) {
  tcp::endpoint ep(boost::asio::ip::make_address(app.config.host), app.config.port);
  if (loops.size() > 1 && ep.port() != 0) {
    // SO_REUSEPORT would let a second gateway (of the same user) share the
    // port without a word; a plain bind first keeps "address in use" for it.
    tcp::acceptor probe(loops.loop(0));
    probe.open(ep.protocol());
    probe.set_option(boost::asio::socket_base::reuse_address(true));
    probe.bind(ep);
  }
  for (std::size_t i = 0; i < loops.size(); ++i) {
    auto a = std::make_unique<tcp::acceptor>(loops.loop(i));
    a->open(ep.protocol());
    a->set_option(boost::asio::socket_base::reuse_address(true));
    if (loops.size() > 1) a->set_option(ReusePort(true));
    a->bind(ep);
    a->listen(boost::asio::socket_base::max_listen_connections);
    ep.port(a->local_endpoint().port());  // port 0: the others join the port the first got
    acceptors_.push_back(std::move(a));
  }
  port_ = ep.port();
}

void Listener::start() {
  for (std::size_t i = 0; i < acceptors_.size(); ++i)
    boost::asio::post(loops_.loop(i), [self = shared_from_this(), i] { self->do_accept(i); });
}

void Listener::stop() {
  for (std::size_t i = 0; i < acceptors_.size(); ++i)
    boost::asio::post(loops_.loop(i), [self = shared_from_this(), i] {
      boost::system::error_code ignored;
      self->acceptors_[i]->close(ignored);
    });
}

void Listener::do_accept(std::size_t loop) {
  auto& acceptor = *acceptors_[loop];
  acceptor.async_accept(loops_.loop(loop), [self = shared_from_this(), loop](boost::system::error_code ec,
                                                                              BatchingStream::Socket socket) {
    auto& acceptor = *self->acceptors_[loop];
    if (ec == boost::asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<WsSession>(std::move(socket), loop, self->app_, self->services_)->start();
    }
    // EMFILE and friends: keep accepting; the kernel backlog holds the rest.
    self->do_accept(loop);
  });
}

}  // namespace gangway::net
