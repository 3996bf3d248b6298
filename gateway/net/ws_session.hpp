#pragma once
// One client socket, from the HTTP upgrade to the last close frame: the
// transport under a session engine (gateway/session/session.hpp).
//
// Reads the upgrade request (answering 400, 414 or 431 to one it cannot
// take) and hands it to the session's UpgradeGate, which refuses it, or has
// it accepted; then reads frames for the session and writes what it sends
// through a bounded queue with one write in flight: a client that cannot keep
// up is closed (1008), never allowed to slow its rooms down. Lives on one
// loop for its whole life (every handler runs there); only pending
// asynchronous operations and callbacks that hold it (Loopback) keep it alive.
//
// Over a plain socket (WsSession) or TLS (TlsWsSession): a template over the
// transport, so a plain socket pays nothing for TLS. Over TLS the upgrade
// deadline runs from the accept and covers the TLS handshake too.
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "gateway/net/batching_stream.hpp"
#include "gateway/net/read_buffer.hpp"
#include "gateway/session/peer.hpp"
#include "gateway/session/session.hpp"

namespace gangway::net {

// `Transport`: Socket, or TlsStream (its handshake not done yet).
template <class Transport>
class BasicWsSession final : public std::enable_shared_from_this<BasicWsSession<Transport>>,
                             public Peer,
                             private Handshake {
 public:
  BasicWsSession(Transport&& transport, std::size_t loop, AppRuntime& app, Services& services);
  ~BasicWsSession() override;

  // On the session's loop: the TLS handshake if any, then reads and answers
  // the upgrade request.
  void start();

  // Peer (on the session's loop, but post()).
  SendResult send(const Frame& frame) override;
  void close(int code, std::string_view reason) override;
  const SessionInfo& info() const override { return session_.info(); }
  void greet(const std::function<void()>& greet) override;
  bool closing() const override { return closing_; }
  void post(std::function<void()> fn) override;
  std::shared_ptr<Peer> shared() override { return this->shared_from_this(); }

  // The most a request line, and the whole header, may take (414, 431 beyond).
  static constexpr std::size_t kMaxRequestLine = 8 * 1024;
  static constexpr std::size_t kMaxHeader = 16 * 1024;

 private:
  // Handshake, for the gate.
  void refuse(unsigned status) override;
  void accept(std::function<void()> then) override;

  static constexpr bool kTls = std::is_same_v<Transport, TlsStream>;
  std::shared_ptr<BasicWsSession> self() { return this->shared_from_this(); }

  // Upgrade
  void read_request();
  void on_tls_failure(boost::beast::error_code ec);  // a failed TLS handshake: counted, a plain HTTP client answered
  // Closes the socket unless the upgrade (or the close) is done within `limit`
  // (default: the app's handshake_timeout_s).
  void arm_deadline(std::chrono::seconds limit = std::chrono::seconds(0));
  void on_request(boost::beast::error_code ec);
  unsigned status_for(boost::beast::error_code ec) const;  // the answer to a request that did not parse; 0: none
  void answer_and_linger(unsigned status);  // refuse(), then drain what the client still sends
  void linger(std::shared_ptr<std::array<char, 4096>> sink);
  void compress_if_agreed(boost::beast::string_view extensions);  // the Sec-WebSocket-Extensions answered
  static bool offers_client_window(boost::beast::string_view extensions);  // may the server pick the client's window?

  // Frames
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void write_front();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void shutdown(std::string_view reason);

  // Beast does the handshake, reads and control frames; queued text frames
  // are written in batches by the layer underneath (batching_stream.hpp).
  boost::beast::websocket::stream<BasicBatchingStream<Transport>> ws_;
  ReadBuffer buffer_;
  // Only while upgrading (~350 bytes an accepted socket no longer carries).
  struct Upgrade {
    boost::beast::http::request_parser<boost::beast::http::empty_body> parser;
    boost::beast::http::request<boost::beast::http::empty_body> request;  // kept until the upgrade is accepted
  };
  std::unique_ptr<Upgrade> upgrade_;
  std::unique_ptr<boost::asio::steady_timer> deadline_;  // during the upgrade and the close only
  Session session_;

  // A vector, not a deque: an empty std::deque still holds 576 bytes, for
  // every idle socket. Frames before queue_head_ are written; they are erased
  // once they are half of the vector, so a long backlog costs O(1) per frame.
  std::vector<Frame> queue_;
  std::size_t queue_head_ = 0;
  std::size_t queued() const { return queue_.size() - queue_head_; }
  std::size_t queued_bytes_ = 0;
  std::size_t in_flight_ = 0;  // frames from queue_head_ on being written
  bool welcomed_ = false;  // the greeting is queued; until then fan-out frames wait
  bool open_ = false;      // the WebSocket is accepted
  bool closing_ = false;   // a close was started; no more writes are queued
  std::unique_ptr<std::pair<int, std::string>> pending_close_;  // sent once the queue drains (a pointer: rare)
};

using WsSession = BasicWsSession<Socket>;
using TlsWsSession = BasicWsSession<TlsStream>;
extern template class BasicWsSession<Socket>;
extern template class BasicWsSession<TlsStream>;

}  // namespace gangway::net
