#include "gateway/net/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "gateway/net/ws_session.hpp"

namespace gangway::net {

using boost::asio::ip::tcp;

Listener::Listener(LoopPool& loops, AppRuntime& app, Services& services)
    : loops_(loops), app_(app), services_(services), acceptor_(loops.loop(0)) {
  tcp::endpoint ep(boost::asio::ip::make_address(app.config.host), app.config.port);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(boost::asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void Listener::start() {
  boost::asio::post(acceptor_.get_executor(), [self = shared_from_this()] { self->do_accept(); });
}

void Listener::stop() {
  boost::asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void Listener::do_accept() {
  target_loop_ = loops_.next();
  acceptor_.async_accept(loops_.loop(target_loop_), [self = shared_from_this()](boost::system::error_code ec,
                                                                                 BatchingStream::Socket socket) {
    if (ec == boost::asio::error::operation_aborted || !self->acceptor_.is_open()) return;
    if (!ec) {
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto loop = self->target_loop_;
      auto session = std::make_shared<WsSession>(std::move(socket), loop, self->app_, self->services_);
      boost::asio::post(self->loops_.loop(loop), [session] { session->start(); });
    }
    // EMFILE and friends: keep accepting; the kernel backlog holds the rest.
    self->do_accept();
  });
}

}  // namespace gangway::net
