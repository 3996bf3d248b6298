#pragma once
// A client socket as the gateway holds it: a plain socket, not
// beast::tcp_stream (its timer state and the timed op in every pending read
// cost ~0.7 KiB per idle socket; the upgrade has its own deadline, the
// WebSocket phase Beast's websocket timeouts), bound to its loop's own
// executor type, not the type-erased any_io_executor that every composed
// operation would copy and carry.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace gangway::net {

using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

}  // namespace gangway::net
