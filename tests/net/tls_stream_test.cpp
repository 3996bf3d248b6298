// TlsStream over loopback against asio's own TLS client: the handshake,
// bytes both ways, a write the socket buffers cannot take at once, the ends
// of a stream, and each way a handshake fails.
#include "gateway/net/tls_stream.hpp"

#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <optional>
#include <string>

#include "tests/support/test_ca.hpp"

namespace gangway::net {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

class TlsStreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_ = new test::TestCa();
    auto cert = ca_->issue("gateway.test");
    tls_ = new tls::ServerTls(tls::TlsOptions{cert.cert_file, cert.key_file, "", false}, "apps[0].tls");
    tls13_ = new tls::ServerTls(tls::TlsOptions{cert.cert_file, cert.key_file, "", true}, "apps[0].tls");
  }
  static void TearDownTestSuite() {
    delete tls_;
    delete tls13_;
    delete ca_;
  }

  // A connected client (of client_ctx_) and the server's TlsStream over the other end.
  void connect(const tls::ServerTls& tls = *tls_) {
    client_ = std::make_unique<ssl::stream<tcp::socket>>(ioc_, client_ctx_);
    tcp::acceptor acceptor(ioc_, {asio::ip::make_address("127.0.0.1"), 0});
    std::optional<Socket> accepted;
    acceptor.async_accept(ioc_, [&](error_code ec, Socket s) {
      ASSERT_FALSE(ec);
      accepted.emplace(std::move(s));
    });
    client_->next_layer().connect(acceptor.local_endpoint());
    run_until([&] { return accepted.has_value(); });
    server_ = std::make_unique<TlsStream>(std::move(*accepted), tls.new_connection());
  }

  // Both handshakes; false if either failed (their errors in server_ec_, client_ec_).
  bool handshake() {
    bool server_done = false, client_done = false;
    server_->async_handshake([&](error_code ec) {
      server_ec_ = ec;
      server_done = true;
    });
    client_->async_handshake(ssl::stream_base::client, [&](error_code ec) {
      client_ec_ = ec;
      client_done = true;
    });
    run_until([&] { return server_done && client_done; });
    return server_done && client_done && !server_ec_ && !client_ec_;
  }

  template <class Done>
  void run_until(Done done) {
    for (int i = 0; i < 20000 && !done(); ++i) {
      if (ioc_.stopped()) ioc_.restart();
      ioc_.run_one_for(std::chrono::milliseconds(1));
    }
  }

  // Reads on the server until `n` bytes or an error; the bytes.
  std::string server_reads(std::size_t n, error_code& ec) {
    std::string got;
    char chunk[1536];
    bool done = false;
    std::function<void()> read = [&] {
      server_->async_read_some(asio::buffer(chunk), [&](error_code e, std::size_t k) {
        got.append(chunk, k);
        if (e || got.size() >= n) {
          ec = e;
          done = true;
          return;
        }
        read();
      });
    };
    read();
    run_until([&] { return done; });
    return got;
  }

  static ssl::context client_context(bool trust = true) {
    ssl::context ctx(ssl::context::tls_client);
    if (trust) ctx.load_verify_file(ca_->ca_file());
    ctx.set_verify_mode(ssl::verify_peer);
    return ctx;
  }

  inline static test::TestCa* ca_ = nullptr;
  inline static tls::ServerTls* tls_ = nullptr;
  inline static tls::ServerTls* tls13_ = nullptr;
  asio::io_context ioc_;
  ssl::context client_ctx_ = client_context();
  std::unique_ptr<ssl::stream<tcp::socket>> client_;
  std::unique_ptr<TlsStream> server_;
  error_code server_ec_, client_ec_;
};

TEST_F(TlsStreamTest, BytesGoBothWaysAfterTheHandshake) {
  connect();
  ASSERT_TRUE(handshake()) << server_ec_.message() << " / " << client_ec_.message();
  asio::write(*client_, asio::buffer(std::string("hello from the client")));
  error_code ec;
  EXPECT_EQ(server_reads(21, ec), "hello from the client");
  EXPECT_FALSE(ec) << ec.message();

  bool written = false;
  std::string answer = "hello from the server";
  asio::async_write(*server_, asio::buffer(answer), [&](error_code e, std::size_t n) {
    EXPECT_FALSE(e) << e.message();
    EXPECT_EQ(n, answer.size());
    written = true;
  });
  run_until([&] { return written; });
  std::string got(answer.size(), '\0');
  asio::read(*client_, asio::buffer(got));
  EXPECT_EQ(got, answer);
  EXPECT_TRUE(server_->flushed());
}

// Two megabytes against socket buffers of 32 KiB: the write completes only
// once the client has read (what the socket did not take waited in the
// stream), and every byte arrives in order.
TEST_F(TlsStreamTest, AWriteTheSocketCannotTakeAtOnceArrivesWholeWhenThePeerReads) {
  connect();
  ASSERT_TRUE(handshake());
  server_->next_layer().set_option(asio::socket_base::send_buffer_size(32 * 1024));
  client_->next_layer().set_option(asio::socket_base::receive_buffer_size(32 * 1024));
  std::string data(2 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + (i / 7) % 26);
  bool written = false;
  asio::async_write(*server_, asio::buffer(data), [&](error_code e, std::size_t n) {
    EXPECT_FALSE(e) << e.message();
    EXPECT_EQ(n, data.size());
    written = true;
  });
  // Until the socket takes no more (the io_context stops whenever it runs out of work).
  ioc_.restart();
  for (int i = 0; i < 50; ++i) ioc_.run_one_for(std::chrono::milliseconds(1));
  ASSERT_FALSE(written) << "the socket buffers cannot have taken 2 MiB";
  EXPECT_FALSE(server_->flushed()) << "records wait for the socket";

  std::string got;
  char chunk[16384];
  std::function<void()> read = [&] {
    client_->async_read_some(asio::buffer(chunk), [&](error_code e, std::size_t n) {
      got.append(chunk, n);
      if (!e && got.size() < data.size()) read();
    });
  };
  read();
  run_until([&] { return written && got.size() == data.size(); });
  EXPECT_TRUE(written);
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data) << "bytes arrived damaged or out of order";
  EXPECT_TRUE(server_->flushed());
}

TEST_F(TlsStreamTest, TheClientsCloseNotifyAndItsBareEndBothReadAsEndOfStream) {
  connect();
  ASSERT_TRUE(handshake());
  client_->async_shutdown([](error_code) {});
  error_code ec;
  server_reads(1, ec);
  EXPECT_EQ(ec, asio::error::eof) << ec.message();

  auto first = std::move(client_);  // its shutdown still waits for the server's close_notify
  connect();  // a second connection, ended without a close_notify
  ASSERT_TRUE(handshake()) << server_ec_.message() << " / " << client_ec_.message();
  client_->next_layer().shutdown(tcp::socket::shutdown_both);
  server_reads(1, ec);
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
}

TEST_F(TlsStreamTest, AClientSpeakingPlainHttpFailsTheHandshake) {
  connect();
  bool done = false;
  server_->async_handshake([&](error_code ec) {
    server_ec_ = ec;
    done = true;
  });
  asio::write(client_->next_layer(), asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  run_until([&] { return done; });
  ASSERT_TRUE(done);
  EXPECT_TRUE(server_ec_);
  EXPECT_EQ(server_ec_.category(), asio::error::get_ssl_category()) << server_ec_.message();
  EXPECT_EQ(TlsStream::failure_of(server_ec_), TlsStream::Failure::plain_http) << server_ec_.message();
}

// What failure_of makes of the other ends of a handshake: bytes that are not
// TLS, and a client that leaves without a word (a TCP health check).
TEST_F(TlsStreamTest, GarbageIsATlsFailureAndASilentCloseIsNone) {
  auto handshake_after = [&](const std::string& bytes) {
    connect();
    bool done = false;
    server_->async_handshake([&](error_code ec) {
      server_ec_ = ec;
      done = true;
    });
    if (!bytes.empty()) asio::write(client_->next_layer(), asio::buffer(bytes));
    client_->next_layer().shutdown(tcp::socket::shutdown_send);
    run_until([&] { return done; });
    EXPECT_TRUE(done);
    return server_ec_;
  };
  auto ec = handshake_after(std::string("\x16\x03\x01\x00\x20", 5) + std::string(32, 'x'));
  EXPECT_EQ(TlsStream::failure_of(ec), TlsStream::Failure::tls) << ec.message();
  ec = handshake_after(std::string("\x00\xff\x13\x37 not TLS at all", 19));
  EXPECT_EQ(TlsStream::failure_of(ec), TlsStream::Failure::tls) << ec.message();
  ec = handshake_after("");
  EXPECT_TRUE(ec);
  EXPECT_EQ(TlsStream::failure_of(ec), TlsStream::Failure::gone) << ec.message();
}

TEST_F(TlsStreamTest, AClientThatDoesNotTrustTheCaFailsAndSoDoesTheServer) {
  client_ctx_ = client_context(false);
  connect();
  EXPECT_FALSE(handshake());
  EXPECT_NE(client_ec_.message().find("certificate verify failed"), std::string::npos) << client_ec_.message();
  EXPECT_TRUE(server_ec_) << "the client's alert ends the server's handshake";
}

TEST_F(TlsStreamTest, ATls13OnlyServerRefusesATls12Client) {
  SSL_CTX_set_max_proto_version(client_ctx_.native_handle(), TLS1_2_VERSION);
  connect(*tls13_);
  EXPECT_FALSE(handshake());
  EXPECT_TRUE(server_ec_);
  EXPECT_TRUE(client_ec_);
}

// The upgrade deadline closes the socket under a handshake that waits for a
// silent client: the handshake ends with operation_aborted.
TEST_F(TlsStreamTest, ClosingTheSocketEndsAWaitingHandshake) {
  connect();
  bool done = false;
  server_->async_handshake([&](error_code ec) {
    server_ec_ = ec;
    done = true;
  });
  for (int i = 0; i < 20; ++i) ioc_.run_one_for(std::chrono::milliseconds(1));
  ASSERT_FALSE(done) << "the client has not said a word";
  server_->next_layer().close();
  run_until([&] { return done; });
  EXPECT_EQ(server_ec_, asio::error::operation_aborted);
}

}  // namespace
}  // namespace gangway::net
