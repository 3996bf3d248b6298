#pragma once
// The admin server's connections (internal to gateway/admin; Beast stays out
// of admin_server.hpp). Everything here runs on the admin server's thread.
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <functional>
#include <memory>

#include "gateway/admin/admin_options.hpp"
#include "gateway/admin/admin_server.hpp"
#include "gateway/tls/server_tls.hpp"

namespace gangway::admin_detail {

// What the connections of one running server share.
struct AdminShared {
  AdminOptions options;
  std::function<AdminResponse(const AdminRequest&)> dispatch;
  std::shared_ptr<tls::ServerTls> tls;  // https (and mutual TLS); null: plain HTTP
  std::size_t serving = 0;    // connections counted against options.max_connections
  std::size_t rejecting = 0;  // over the cap: being answered 503 and closed
};

// Takes a just-accepted socket. Under the cap it is served: requests read
// whole within options.request_timeout (from accept, or from the first byte
// on a kept-alive connection), idle between requests at most
// options.idle_timeout, too large ones answered 431/414/413 and bad ones 400,
// then closed. Over the cap it is answered 503 and closed; past twice the
// cap it is closed at once without an answer. With TLS the handshake comes
// first, within the request's deadline; a client without a certificate the
// port requires fails it and gets no answer.
void admit_connection(boost::asio::ip::tcp::socket socket, const std::shared_ptr<AdminShared>& shared);

}  // namespace gangway::admin_detail
