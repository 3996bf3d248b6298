// BatchingStream under a real Beast websocket over loopback TCP, on a plain
// socket and over TLS (TlsStream, against asio's TLS client): batched text
// frames arrive whole and in order while Beast answers pings and closes on
// the same socket, and nothing follows a close frame.
#include "gateway/net/batching_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/test_ca.hpp"

namespace gangway::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// The two transports: how each side is made and how each starts.
struct Plain {
  using Server = BatchingStream;
  using Client = websocket::stream<tcp::socket>;
  static std::unique_ptr<Client> client(asio::io_context& ioc) { return std::make_unique<Client>(ioc); }
  static std::unique_ptr<websocket::stream<Server>> server(Socket&& s) {
    return std::make_unique<websocket::stream<Server>>(std::move(s));
  }
  template <class Then>
  static void server_handshake(websocket::stream<Server>&, Then then) { then(); }
  template <class Then>
  static void client_handshake(Client&, Then then) { then(); }
};

struct Tls {
  using Server = TlsBatchingStream;
  using Client = websocket::stream<ssl::stream<tcp::socket>>;
  static std::unique_ptr<Client> client(asio::io_context& ioc) { return std::make_unique<Client>(ioc, *client_ctx); }
  static std::unique_ptr<websocket::stream<Server>> server(Socket&& s) {
    return std::make_unique<websocket::stream<Server>>(TlsStream(std::move(s), server_tls->new_connection()));
  }
  template <class Then>
  static void server_handshake(websocket::stream<Server>& ws, Then then) {
    ws.next_layer().next_layer().async_handshake([then](beast::error_code ec) {
      ASSERT_FALSE(ec) << ec.message();
      then();
    });
  }
  template <class Then>
  static void client_handshake(Client& ws, Then then) {
    ws.next_layer().async_handshake(ssl::stream_base::client, [then](beast::error_code ec) {
      ASSERT_FALSE(ec) << ec.message();
      then();
    });
  }
  static void set_up() {
    if (ca) return;
    ca = new test::TestCa();
    auto cert = ca->issue("gateway.test");
    server_tls = new tls::ServerTls(tls::TlsOptions{cert.cert_file, cert.key_file, "", false}, "apps[0].tls");
    client_ctx = new ssl::context(ssl::context::tls_client);
    client_ctx->load_verify_file(ca->ca_file());
    client_ctx->set_verify_mode(ssl::verify_peer);
  }
  inline static test::TestCa* ca = nullptr;  // kept for the whole run: made once, by the first TLS test
  inline static tls::ServerTls* server_tls = nullptr;
  inline static ssl::context* client_ctx = nullptr;
};

template <class T>
class BatchingStreamTest : public ::testing::Test {
 protected:
  // Both ends negotiate permessage-deflate as the gateway does (each server
  // message compressed alone).
  virtual bool deflate() const { return false; }

  void SetUp() override {
    if constexpr (std::is_same_v<T, Tls>) Tls::set_up();
    client_ = T::client(ioc_);
    tcp::acceptor acceptor(ioc_, {asio::ip::make_address("127.0.0.1"), 0});
    bool accepted = false, handshaken = false;
    acceptor.async_accept(ioc_, [&](beast::error_code ec, Socket s) {
      ASSERT_FALSE(ec);
      server_ = T::server(std::move(s));
      if (deflate()) {
        websocket::permessage_deflate pmd;
        pmd.server_enable = true;
        pmd.server_no_context_takeover = true;
        server_->set_option(pmd);
      }
      // As WsSession does: the teardown hears of the client's close frame.
      server_->control_callback([this](websocket::frame_type kind, beast::string_view) {
        if (kind == websocket::frame_type::close) server_->next_layer().mark_peer_sent_close();
      });
      T::server_handshake(*server_, [&] { server_->async_accept([&](beast::error_code e) { accepted = !e; }); });
    });
    if (deflate()) {
      websocket::permessage_deflate pmd;
      pmd.client_enable = true;
      client_->set_option(pmd);
    }
    beast::get_lowest_layer(*client_).connect(acceptor.local_endpoint());
    T::client_handshake(*client_, [&] {
      client_->async_handshake("127.0.0.1", "/", [&](beast::error_code e) { handshaken = !e; });
    });
    run_until([&] { return accepted && handshaken; });
    ASSERT_TRUE(accepted && handshaken);
  }

  template <class Done>
  void run_until(Done done) {
    for (int i = 0; i < 20000 && !done(); ++i) {
      if (ioc_.stopped()) ioc_.restart();  // it stops whenever it runs out of work
      ioc_.run_one_for(std::chrono::milliseconds(1));
    }
  }

  // Writes `frames` from the front, a batch at a time, then runs `after`.
  void write_all(std::deque<Frame>& frames, std::function<void()> after) {
    if (frames.empty()) return after();
    auto taken = std::make_shared<std::size_t>();
    *taken = server_->next_layer().write_frames(frames, frames.size(), [this, &frames, taken, after](beast::error_code ec) {
      ASSERT_FALSE(ec) << ec.message();
      frames.erase(frames.begin(), frames.begin() + static_cast<std::ptrdiff_t>(*taken));
      write_all(frames, after);
    });
  }

  // Reads `count` frames on the client and checks that frame i is payload(i),
  // until all are in and `written` (set by the writer) is true.
  void expect_payloads_in_order(std::size_t count, const bool& written);

  asio::io_context ioc_;
  std::unique_ptr<typename T::Client> client_;
  std::unique_ptr<websocket::stream<typename T::Server>> server_;
};

using Transports = ::testing::Types<Plain, Tls>;
struct TransportName {
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, Tls> ? "Tls" : "Plain";
  }
};
TYPED_TEST_SUITE(BatchingStreamTest, Transports, TransportName);

std::string payload(std::size_t i) {
  // Sizes cover the three header lengths (7-bit, 16-bit, 64-bit).
  std::size_t size = i % 10 == 3 ? 70'000 : i % 5 == 1 ? 300 : 10 + i;
  std::string s = "#" + std::to_string(i) + ":";
  s.resize(size, static_cast<char>('a' + i % 26));
  return s;
}

template <class T>
void BatchingStreamTest<T>::expect_payloads_in_order(std::size_t count, const bool& written) {
  std::size_t received = 0;
  bool bad = false;
  beast::flat_buffer buffer;
  std::function<void()> read = [&] {
    client_->async_read(buffer, [&](beast::error_code ec, std::size_t) {
      ASSERT_FALSE(ec) << ec.message();
      if (beast::buffers_to_string(buffer.data()) != payload(received)) bad = true;
      buffer.consume(buffer.size());
      if (++received < count) read();
    });
  };
  read();
  run_until([&] { return received == count && written; });
  EXPECT_EQ(received, count);
  EXPECT_FALSE(bad) << "a frame arrived damaged or out of order";
  EXPECT_TRUE(written);
}

template <class T>
class CompressedBatchingStreamTest : public BatchingStreamTest<T> {
 protected:
  bool deflate() const override { return true; }
};
TYPED_TEST_SUITE(CompressedBatchingStreamTest, Transports, TransportName);

// Every frame of 64 bytes or more goes out compressed (payload() repeats one
// letter: it shrinks), the rest as they are, in one stream the client's own
// inflater reads back in order.
TYPED_TEST(CompressedBatchingStreamTest, CompressedAndPlainFramesArriveWholeAndInOrder) {
  this->server_->next_layer().compress_from(64, 6);
  std::deque<Frame> queue;
  std::vector<Frame> kept;
  for (std::size_t i = 0; i < 100; ++i) {
    queue.push_back(make_frame(payload(i)));
    kept.push_back(queue.back());
  }
  bool written = false;
  this->write_all(queue, [&] { written = true; });
  this->expect_payloads_in_order(100, written);
  // The large frames were compressed (once each, kept with the frame).
  EXPECT_NE(kept[13]->deflated(6), nullptr);
  EXPECT_LT(kept[13]->deflated(6)->size(), 1000u) << "70,000 repeated letters compress to little";
}

TYPED_TEST(BatchingStreamTest, BatchesArriveWholeAndInOrderBetweenPongs) {
  std::deque<Frame> queue;
  for (std::size_t i = 0; i < 200; ++i) queue.push_back(make_frame(payload(i)));
  bool written = false;
  this->write_all(queue, [&] { written = true; });

  // The server reads, so Beast answers the client's pings through the same layer.
  beast::flat_buffer server_buffer;
  this->server_->async_read(server_buffer, [](beast::error_code, std::size_t) {});
  int pongs = 0, pings_sent = 0;
  this->client_->control_callback([&](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::pong) ++pongs;
  });
  std::function<void()> ping = [&] {
    if (pings_sent == 20) return;
    this->client_->async_ping("p", [&](beast::error_code ec) {
      ASSERT_FALSE(ec);
      ++pings_sent;
      ping();
    });
  };
  ping();

  std::size_t received = 0;
  bool bad = false;
  beast::flat_buffer buffer;
  std::function<void()> read = [&] {
    this->client_->async_read(buffer, [&](beast::error_code ec, std::size_t) {
      if (ec) return;  // the test ended
      EXPECT_TRUE(this->client_->got_text());
      if (beast::buffers_to_string(buffer.data()) != payload(received)) bad = true;
      buffer.consume(buffer.size());
      ++received;
      read();  // keeps reading: pongs are seen only while a read is pending
    });
  };
  read();
  this->run_until([&] { return received == 200 && written && pongs == 20; });
  EXPECT_EQ(received, 200u);
  EXPECT_FALSE(bad) << "a frame arrived damaged or out of order";
  EXPECT_TRUE(written);
  EXPECT_EQ(pongs, 20);
}

// A batch bigger than both socket buffers: the kernel takes part of it, the
// rest is written once the client starts reading, late, and nothing is lost
// or reordered.
TYPED_TEST(BatchingStreamTest, ABatchTheSocketCannotTakeAtOnceArrivesWholeWhenThePeerReadsLate) {
  beast::get_lowest_layer(*this->server_).set_option(asio::socket_base::send_buffer_size(32 * 1024));
  beast::get_lowest_layer(*this->client_).set_option(asio::socket_base::receive_buffer_size(32 * 1024));
  std::deque<Frame> queue;
  for (std::size_t i = 0; i < 60; ++i) queue.push_back(make_frame(payload(i)));  // ~450 KB
  bool written = false;
  this->write_all(queue, [&] { written = true; });
  this->ioc_.restart();  // it stopped when the set-up ran out of work
  for (int i = 0; i < 50; ++i) this->ioc_.run_one_for(std::chrono::milliseconds(1));
  ASSERT_FALSE(written) << "the socket buffers cannot have taken ~450 KB";

  this->expect_payloads_in_order(60, written);
}

TYPED_TEST(BatchingStreamTest, NoDataFrameFollowsTheCloseFrame) {
  bool closed = false, refused = false, client_saw_close = false;
  std::size_t data_frames = 0;
  this->server_->async_close(websocket::close_code::normal, [&](beast::error_code) { closed = true; });
  beast::flat_buffer buffer;
  std::function<void()> read = [&] {
    this->client_->async_read(buffer, [&](beast::error_code ec, std::size_t) {
      if (ec == websocket::error::closed) return void(client_saw_close = true);
      if (ec) return;
      ++data_frames;
      buffer.consume(buffer.size());
      read();
    });
  };
  read();
  this->run_until([&] { return client_saw_close; });
  std::deque<Frame> late{make_frame("after close")};
  this->server_->next_layer().write_frames(late, 1, [&](beast::error_code ec) { refused = ec == asio::error::broken_pipe; });
  this->run_until([&] { return closed && refused && client_saw_close; });
  EXPECT_TRUE(client_saw_close);
  EXPECT_TRUE(refused);
  EXPECT_EQ(data_frames, 0u);
}

TYPED_TEST(BatchingStreamTest, AfterTheCloseHandshakeTheServerClosesWithoutWaitingForTheClient) {
  // The client sends its close frame by hand and never its FIN: the server
  // answers, closes its socket, and the client reads the answer, then the end.
  auto& raw = this->client_->next_layer();
  const unsigned char close_1000[] = {0x88, 0x82, 0x01, 0x02, 0x03, 0x04, 0x03 ^ 0x01, 0xE8 ^ 0x02};
  asio::write(raw, asio::buffer(close_1000));
  beast::flat_buffer buffer;
  bool server_done = false;
  beast::error_code server_ec;
  this->server_->async_read(buffer, [&](beast::error_code ec, std::size_t) {
    server_ec = ec;
    server_done = true;
  });
  this->run_until([&] { return server_done; });
  ASSERT_TRUE(server_done) << "the server still waits for the client";
  EXPECT_EQ(server_ec, websocket::error::closed);
  EXPECT_FALSE(beast::get_lowest_layer(*this->server_).is_open());
  std::string got;
  beast::error_code ec;
  for (char c[16]; !ec;) got.append(c, raw.read_some(asio::buffer(c), ec));
  EXPECT_EQ(got, std::string("\x88\x02\x03\xE8", 4)) << "the close frame, then nothing";
  EXPECT_EQ(ec, asio::error::eof);
}

TYPED_TEST(BatchingStreamTest, AfterAProtocolErrorTheServerWaitsForTheClientsEnd) {
  // An unmasked frame from a client is a protocol error: the server sends
  // 1002 and its FIN, but keeps reading until the client ends its side, so
  // bytes the client is still sending get no reset that could cost it the
  // close frame.
  auto& raw = this->client_->next_layer();
  const unsigned char unmasked[] = {0x81, 0x02, 'h', 'i'};
  asio::write(raw, asio::buffer(unmasked));
  beast::flat_buffer buffer;
  bool server_done = false;
  this->server_->async_read(buffer, [&](beast::error_code, std::size_t) { server_done = true; });
  this->run_until([&] { return beast::get_lowest_layer(*this->client_).available() >= 4; });  // the close frame is in
  for (int i = 0; i < 50; ++i) {  // and the server had its turns
    this->ioc_.restart();
    this->ioc_.poll();
  }
  EXPECT_FALSE(server_done);
  std::string got;
  beast::error_code ec;
  for (char c[16]; !ec;) got.append(c, raw.read_some(asio::buffer(c), ec));
  EXPECT_EQ(got, std::string("\x88\x02\x03\xEA", 4)) << "1002, then the server's FIN";
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_TRUE(beast::get_lowest_layer(*this->server_).is_open()) << "closed while the client may still send";
  beast::get_lowest_layer(*this->client_).shutdown(tcp::socket::shutdown_send);
  this->run_until([&] { return server_done; });
  EXPECT_TRUE(server_done);
  EXPECT_FALSE(beast::get_lowest_layer(*this->server_).is_open());
}

// The client's view of a stream: "ping" for a ping, the text of a data frame,
// "closed" at the close, in arrival order.
template <class T>
class HeldWriteTest : public BatchingStreamTest<T> {
 protected:
  using BatchingStreamTest<T>::client_;
  using BatchingStreamTest<T>::server_;
  using BatchingStreamTest<T>::ioc_;
  using BatchingStreamTest<T>::run_until;

  void watch() {
    client_->control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) seen_.push_back("ping");
    });
    read_ = [this] {
      client_->async_read(buffer_, [this](beast::error_code ec, std::size_t) {
        if (ec == websocket::error::closed) return seen_.push_back("closed");
        if (ec) return;
        seen_.push_back(beast::buffers_to_string(buffer_.data()));
        buffer_.consume(buffer_.size());
        read_();
      });
    };
    read_();
  }

  // Beast's ping is the held write here (in the gateway it is the 101).
  void hold_a_ping() {
    bool told = false;
    server_->next_layer().hold_next_write();
    server_->async_ping("held", [&](beast::error_code ec) { told = !ec; });
    run_until([&] { return told; });
    ASSERT_TRUE(told) << "Beast hears at once that its write is done";
    for (int i = 0; i < 50; ++i) ioc_.run_one_for(std::chrono::milliseconds(1));
    ASSERT_TRUE(seen_.empty()) << "nothing goes out until the next write";
  }

  std::vector<std::string> seen_;
  beast::flat_buffer buffer_;
  std::function<void()> read_;
};
TYPED_TEST_SUITE(HeldWriteTest, Transports, TransportName);

TYPED_TEST(HeldWriteTest, GoesOutFirstWithTheNextBatch) {
  this->watch();
  this->hold_a_ping();
  std::deque<Frame> queue{make_frame("first"), make_frame("second")};
  bool written = false;
  this->write_all(queue, [&] { written = true; });
  this->run_until([&] { return this->seen_.size() == 3 && written; });
  EXPECT_EQ(this->seen_, (std::vector<std::string>{"ping", "first", "second"}));
}

TYPED_TEST(HeldWriteTest, SendHeldSendsItAlone) {
  this->watch();
  this->hold_a_ping();
  bool sent = false;
  this->server_->next_layer().send_held([&](beast::error_code ec) { sent = !ec; });
  this->run_until([&] { return sent && this->seen_.size() == 1; });
  EXPECT_EQ(this->seen_, (std::vector<std::string>{"ping"}));
  bool called = false;
  this->server_->next_layer().send_held([&](beast::error_code) { called = true; });
  for (int i = 0; i < 20; ++i) this->ioc_.run_one_for(std::chrono::milliseconds(1));
  EXPECT_FALSE(called) << "nothing was held any more";
}

TYPED_TEST(HeldWriteTest, GoesOutBeforeBeastsCloseFrame) {
  this->watch();
  this->hold_a_ping();
  this->server_->async_close(websocket::close_code::normal, [](beast::error_code) {});
  this->run_until([&] { return this->seen_.size() == 2; });
  EXPECT_EQ(this->seen_, (std::vector<std::string>{"ping", "closed"}));
}

}  // namespace
}  // namespace gangway::net
