#pragma once
// A client connection on an app's port whose request is not a WebSocket
// upgrade on one of the app's routes, but one the pass-through takes
// (proxy::Options::passes): each request goes to the backend
// (proxy::Exchange), and the connection is kept for the next while both
// sides allow, idle at most idle_timeout between two. A later request that
// is an upgrade on a route, or that the pass-through does not take, goes to
// a WsSession (resume()): to its UpgradeGate, as a first request would.
//
// The gateway's own answers (400, 413, 414, 431, 501, 502, 504) close the
// connection, lingering so that the client reads them.
//
// Lives on one loop; pending operations and the exchange in flight hold it.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <memory>

#include "gateway/net/batching_stream.hpp"
#include "gateway/proxy/exchange.hpp"
#include "gateway/proxy/forwarding.hpp"

namespace gangway {
struct AppRuntime;
struct Services;
}  // namespace gangway

namespace gangway::net {

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(BatchingStream::Socket&& socket, std::size_t loop, AppRuntime& app, Services& services);

  // On the loop: passes `request` through (its header read; `read_ahead`,
  // what the client sent after it, is copied), then serves what follows.
  void start(std::unique_ptr<proxy::RequestParser> request, boost::asio::const_buffer read_ahead);

  // Whether a request whose header is read goes to the pass-through: the app
  // has one, it takes the path, and the request is not a WebSocket upgrade
  // on one of the app's routes (those go to the UpgradeGate).
  static bool passes(const AppRuntime& app, const proxy::RequestHeader& request);

  static constexpr std::chrono::seconds kLinger{2};

 private:
  void pass(std::unique_ptr<proxy::RequestParser> request);
  void on_exchanged(proxy::Outcome outcome);
  void read_next();
  void on_header(boost::beast::error_code ec);
  void to_gate();
  void answer(unsigned status);  // a bare answer, then the lingering close
  void close_gracefully();       // FIN, then drain what the client still sends until it closes or kLinger
  void linger();

  proxy::Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::unique_ptr<proxy::RequestParser> parser_;
  std::size_t loop_;
  AppRuntime& app_;
  Services& services_;
};

}  // namespace gangway::net
