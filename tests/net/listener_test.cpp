// An app's port is served by one acceptor per loop (SO_REUSEPORT): every
// connection is answered whichever loop the kernel hands it to, a second
// gateway on a taken port is still refused, and running out of descriptors
// pauses accepting instead of spinning.
#include "gateway/net/listener.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <regex>
#include <string>
#include <thread>

#include "gateway/app/gateway.hpp"
#include "gateway/config/config.hpp"
#include "tests/support/process.hpp"

namespace gangway::net {
namespace {

using boost::asio::ip::tcp;

Config two_loops_on(int port) {
  auto config = parse_config(R"({
    "gateway_id": "gw-listener", "threads": 2, "nats": { "enabled": false }, "admin": { "listen": "127.0.0.1:)" + std::to_string(test::free_port()) + R"(" },
    "apps": [{ "name": "tribe", "dialect": "tribe", "listen": "127.0.0.1:)" + std::to_string(port) + R"(",
      "routes": ["/api/v1/ws"],
      "jwt": { "keys": [{ "alg": "HS256", "secret": "listener-test-secret-0123456789abcdef" }] },
      "backend": { "url": "http://127.0.0.1:9" },
      "callouts": { "conversation_participant": { "method": "GET", "path": "/p/{conversation_id}/{user_id}" } } }]
  })");
  EXPECT_TRUE(config) << config.error();
  return config.value();
}

// The first line of the gateway's answer to a plain GET on a connected socket.
std::string status_line(tcp::socket& s) {
  timeval timeout{5, 0};  // a connection no acceptor takes would hang here
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  boost::asio::write(s, boost::asio::buffer(std::string("GET /api/v1/ws HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string answer(64, '\0');
  // recv itself, not asio's read, which would poll past the timeout.
  auto n = ::recv(s.native_handle(), answer.data(), answer.size(), 0);
  answer.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return answer.substr(0, answer.find("\r\n"));
}

std::string status_line(std::uint16_t port) {
  boost::asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  return status_line(s);
}

std::uint64_t accept_errors(std::uint16_t admin_port) {
  httplib::Client admin("127.0.0.1", admin_port);
  auto res = admin.Get("/metrics");
  if (!res) return 0;
  std::smatch m;
  std::regex line(R"(gangway_accept_errors_total\{app="tribe"\} (\d+))");
  return std::regex_search(res->body, m, line) ? std::stoull(m[1]) : 0;
}

// Lowers this process's descriptor limit to the lowest free descriptor, so
// that no new one can be made, and restores it when it goes.
class NoNewDescriptors {
 public:
  NoNewDescriptors() {
    getrlimit(RLIMIT_NOFILE, &saved_);
    int lowest_free = ::open("/dev/null", O_RDONLY);
    ::close(lowest_free);
    rlimit tight = saved_;
    tight.rlim_cur = static_cast<rlim_t>(lowest_free);
    setrlimit(RLIMIT_NOFILE, &tight);
  }
  ~NoNewDescriptors() { setrlimit(RLIMIT_NOFILE, &saved_); }

 private:
  rlimit saved_{};
};

TEST(Listener, EveryLoopsAcceptorAnswers) {
  Gateway gateway(two_loops_on(0));
  gateway.start();
  auto port = gateway.app_ports().at(0);
  // The kernel spreads connections by their address and port: 40 of them
  // reach both acceptors (all on one: odds of 2 in 10^12).
  for (int i = 0; i < 40; ++i) EXPECT_EQ(status_line(port), "HTTP/1.1 426 Upgrade Required") << "connection " << i;
}

// The server's end of the connection whose client end is `client`: the
// descriptor of this process (the gateway runs in it) whose local address is
// the client's peer and whose peer is the client's local address, or -1.
int server_end_of(const tcp::socket& client) {
  auto want_local = client.remote_endpoint(), want_peer = client.local_endpoint();
  for (int fd = 0; fd < 4096; ++fd) {
    sockaddr_storage local{}, peer{};
    socklen_t ll = sizeof local, pl = sizeof peer;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
    tcp::endpoint l, p;
    l.resize(ll);
    std::memcpy(l.data(), &local, ll);
    p.resize(pl);
    std::memcpy(p.data(), &peer, pl);
    if (l == want_local && p == want_peer) return fd;
  }
  return -1;
}

TEST(Listener, AcceptedSocketsSendWithoutNagle) {
  // The option is set once on the listening sockets and Linux copies it to
  // each accepted one: small frames must not wait for an ACK.
  Gateway gateway(two_loops_on(0));
  gateway.start();
  boost::asio::io_context ioc;
  for (int i = 0; i < 8; ++i) {  // over both loops' acceptors
    tcp::socket s(ioc);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), gateway.app_ports().at(0)});
    // Sent nothing yet: the gateway holds the connection, waiting for the request.
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 200; ++tries) {
      if ((fd = server_end_of(s)) < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GE(fd, 0) << "connection " << i << " was not accepted";
    int nodelay = 0;
    socklen_t len = sizeof nodelay;
    ASSERT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
    EXPECT_EQ(nodelay, 1) << "connection " << i;
  }
}

TEST(Listener, ASecondGatewayOnATakenPortIsRefused) {
  int port = test::free_port();
  Gateway first(two_loops_on(port));
  first.start();
  EXPECT_THROW(Gateway second(two_loops_on(port)), std::exception);
  EXPECT_EQ(status_line(static_cast<std::uint16_t>(port)), "HTTP/1.1 426 Upgrade Required") << "the first still serves";
}

TEST(Listener, OutOfDescriptorsPausesAcceptingAndServesTheBacklogAfter) {
  Gateway gateway(two_loops_on(0));
  gateway.start();
  auto port = gateway.app_ports().at(0);
  boost::asio::io_context ioc;
  std::vector<tcp::socket> clients;
  for (int i = 0; i < 8; ++i) clients.emplace_back(ioc).open(tcp::v4());  // their descriptors, made now
  {
    NoNewDescriptors limit;
    // The kernel completes these connections into the backlog; the gateway's
    // accept fails with "too many open files" until the limit goes.
    for (auto& c : clients) c.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  // A retry every 100 ms per loop is ~10 in that half second; retrying at once
  // was ~10^5.
  auto errors = accept_errors(gateway.admin_port());
  EXPECT_GE(errors, 1u);
  EXPECT_LE(errors, 40u);
  for (std::size_t i = 0; i < clients.size(); ++i)
    EXPECT_EQ(status_line(clients[i]), "HTTP/1.1 426 Upgrade Required") << "client " << i << " waited in the backlog";
}

}  // namespace
}  // namespace gangway::net
