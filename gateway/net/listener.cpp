#include "gateway/net/listener.hpp"

#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "gateway/core/log.hpp"
#include "gateway/net/ws_session.hpp"
#include "gateway/session/runtime.hpp"

namespace gangway::net {

using boost::asio::ip::tcp;
using ReusePort = boost::asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

Listener::Listener(LoopPool& loops, AppRuntime& app, Services& services, std::shared_ptr<tls::ServerTls> tls)
    : loops_(loops), app_(app), services_(services), tls_(std::move(tls)) {
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
    auto a = std::make_unique<Acceptor>(Acceptor{tcp::acceptor(loops.loop(i)), boost::asio::steady_timer(loops.loop(i))});
    auto& s = a->socket;
    s.open(ep.protocol());
    s.set_option(boost::asio::socket_base::reuse_address(true));
    if (loops.size() > 1) s.set_option(ReusePort(true));
    // Linux copies TCP_NODELAY to every accepted socket: one setsockopt
    // here instead of one per connection (the dialects' frames are small
    // and must not wait for Nagle).
    s.set_option(tcp::no_delay(true));
    s.bind(ep);
    s.listen(boost::asio::socket_base::max_listen_connections);
    ep.port(s.local_endpoint().port());  // port 0: the others join the port the first got
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
      self->acceptors_[i]->socket.close(ignored);
      self->acceptors_[i]->pause.cancel();
    });
}

void Listener::release() { acceptors_.clear(); }

void Listener::do_accept(std::size_t loop) {
  acceptors_[loop]->socket.async_accept(
      loops_.loop(loop), [self = shared_from_this(), loop](boost::system::error_code ec, Socket socket) {
        auto& a = *self->acceptors_[loop];
        if (ec == boost::asio::error::operation_aborted || !a.socket.is_open()) return;
        if (ec) return self->pause_accepting(loop, ec);
        if (a.failing) {
          a.failing = false;
          log_line("info", self->app_.config.name, "accepting connections again");
        }
        self->start_session(std::move(socket), loop);
        self->do_accept(loop);
      });
}

void Listener::start_session(Socket&& socket, std::size_t loop) {
  if (!tls_) return std::make_shared<WsSession>(std::move(socket), loop, app_, services_)->start();
  auto ssl = tls_->new_connection();
  if (!ssl) return;  // OpenSSL could not allocate: the socket closes, as on a failed accept
  std::make_shared<TlsWsSession>(TlsStream(std::move(socket), std::move(ssl)), loop, app_, services_)->start();
}

void Listener::pause_accepting(std::size_t loop, const boost::system::error_code& why) {
  auto& a = *acceptors_[loop];
  app_.metrics->accept_errors.fetch_add(1, std::memory_order_relaxed);
  if (!a.failing) {  // one line per run of errors, not one per retry
    a.failing = true;
    log_line("warn", app_.config.name, "accept failed, pausing this loop's acceptor",
             {{"reason", why.message()}, {"loop", loop}, {"retry_ms", kAcceptPause.count()}});
  }
  a.pause.expires_after(kAcceptPause);
  a.pause.async_wait([self = shared_from_this(), loop](boost::system::error_code ec) {
    if (!ec && self->acceptors_[loop]->socket.is_open()) self->do_accept(loop);
  });
}

}  // namespace gangway::net
