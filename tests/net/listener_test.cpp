// An app's port is served by one acceptor per loop (SO_REUSEPORT): every
// connection is answered whichever loop the kernel hands it to, and a second
// gateway on a taken port is still refused.
#include "gateway/net/listener.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "gateway/app/gateway.hpp"
#include "gateway/config/config.hpp"
#include "tests/support/process.hpp"

namespace gangway::net {
namespace {

using boost::asio::ip::tcp;

Config two_loops_on(int port) {
  auto config = parse_config(R"({
    "gateway_id": "gw-listener", "threads": 2, "nats": { "enabled": false },
    "apps": [{ "name": "tribe", "dialect": "tribe", "listen": "127.0.0.1:)" + std::to_string(port) + R"(",
      "routes": ["/api/v1/ws"],
      "jwt": { "keys": [{ "alg": "HS256", "secret": "listener-test-secret-0123456789abcdef" }] },
      "backend": { "url": "http://127.0.0.1:9" },
      "callouts": { "conversation_participant": { "method": "GET", "path": "/p/{conversation_id}/{user_id}" } } }]
  })");
  EXPECT_TRUE(config) << config.error();
  return config.value();
}

// The first line of the gateway's answer to a plain GET on the socket path.
std::string status_line(std::uint16_t port) {
  boost::asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  timeval timeout{5, 0};  // a connection no acceptor takes would hang here
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  boost::asio::write(s, boost::asio::buffer(std::string("GET /api/v1/ws HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string answer(64, '\0');
  // recv itself, not asio's read, which would poll past the timeout.
  auto n = ::recv(s.native_handle(), answer.data(), answer.size(), 0);
  answer.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return answer.substr(0, answer.find("\r\n"));
}

TEST(Listener, EveryLoopsAcceptorAnswers) {
  Gateway gateway(two_loops_on(0));
  gateway.start();
  auto port = gateway.app_ports().at(0);
  // The kernel spreads connections by their address and port: 40 of them
  // reach both acceptors (all on one: odds of 2 in 10^12).
  for (int i = 0; i < 40; ++i) EXPECT_EQ(status_line(port), "HTTP/1.1 426 Upgrade Required") << "connection " << i;
}

TEST(Listener, ASecondGatewayOnATakenPortIsRefused) {
  int port = test::free_port();
  Gateway first(two_loops_on(port));
  first.start();
  EXPECT_THROW(Gateway second(two_loops_on(port)), std::exception);
  EXPECT_EQ(status_line(static_cast<std::uint16_t>(port)), "HTTP/1.1 426 Upgrade Required") << "the first still serves";
}

}  // namespace
}  // namespace gangway::net
