#pragma once
// One client socket, from the HTTP upgrade to the last close frame: the
// transport under a session engine (gateway/session/session.hpp).
//
// Reads the upgrade request (answering 400, 414 or 431 to one it cannot
// take) and hands it to the session's UpgradeGate, which refuses it, or has
// it accepted; then reads frames for the session and writes what it sends
// through a bounded queue with one write in flight (send_queue.hpp): events a
// client cannot keep up with are shed, a client whose writes stall or whose
// queue passes its bytes is closed (1008); none slows its rooms down. Lives on one
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
#include "gateway/net/send_queue.hpp"
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

  // On the session's loop: the TLS handshake if any, then reads the first
  // request's header; an upgrade (or a request the pass-through does not
  // take) is answered here, any other goes to an HttpConnection with the
  // socket (http_connection.hpp; plain sockets only: config refuses an app
  // with both tls and a pass-through).
  void start();
  // On the session's loop (plain sockets): answers `request`, read by an HttpConnection on
  // this socket (`read_ahead`: what followed it, copied), as start() would.
  void resume(boost::beast::http::request<boost::beast::http::empty_body>&& request,
              boost::asio::const_buffer read_ahead);

  // Peer (on the session's loop, but post()).
  SendResult send(const Frame& frame) override;
  void close(int code, std::string_view reason) override;
  void finish(int code, std::string_view reason) override;
  const SessionInfo& info() const override { return session_.info(); }
  void greet(const std::function<void()>& greet) override;
  bool closing() const override { return closing_; }
  void pause_reading() override { read_paused_ = true; }
  void resume_reading() override;
  Session& engine() override { return session_; }
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
  void run_gate();   // the request (upgrade_->request) to the UpgradeGate
  void hand_over();  // the socket, the request and what followed it to an HttpConnection
  void answer_and_linger(unsigned status);  // refuse(), then drain what the client still sends
  void linger(std::shared_ptr<std::array<char, 4096>> sink);
  void compress_if_agreed(boost::beast::string_view extensions);  // the Sec-WebSocket-Extensions answered
  static bool offers_client_window(boost::beast::string_view extensions);  // may the server pick the client's window?

  // Frames
  void do_read();
  void read_next();  // do_read() unless the session paused reading
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void write_front();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  // An event this socket is too far behind to take: dropped; closes the
  // socket if its write has been stuck too long.
  SendResult shed(const Frame& frame);
  void slow_consumer();  // counts it and closes the socket (1008), later
  // close() and finish(): `drop_queued` drops the frames not yet started.
  void start_close(int code, std::string_view reason, bool drop_queued);
  void do_close();
  void shutdown(std::string_view reason);

  // Beast does the handshake, reads and control frames; queued text frames
  // are written in batches by the layer underneath (batching_stream.hpp).
  boost::beast::websocket::stream<BasicBatchingStream<Transport>> ws_;
  ReadBuffer buffer_;
  // Only while upgrading (~350 bytes an accepted socket no longer carries).
  struct Upgrade {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();  // gangway_upgrade_duration_seconds
    boost::beast::http::request_parser<boost::beast::http::empty_body> parser;
    boost::beast::http::request<boost::beast::http::empty_body> request;  // kept until the upgrade is accepted
  };
  std::unique_ptr<Upgrade> upgrade_;
  std::unique_ptr<boost::asio::steady_timer> deadline_;  // during the upgrade and the close only
  Session session_;

  SendQueue queue_;  // bounded in bytes (1008 beyond) and, for events, in time (shed)
  // When the write in flight began: a socket that sheds while one write has
  // been stuck for DeliveryLimits::max_write_stall is closed (1008).
  std::chrono::steady_clock::time_point write_started_;
  bool welcomed_ = false;  // the greeting is queued; until then fan-out frames wait
  bool open_ = false;      // the WebSocket is accepted
  bool closing_ = false;   // a close was started; no more writes are queued
  bool read_paused_ = false;   // Peer::pause_reading(): the next read waits for resume_reading()
  bool read_stopped_ = false;  // paused with no read pending (the session holds the socket meanwhile)
  std::unique_ptr<std::pair<int, std::string>> pending_close_;  // sent once the queue drains (a pointer: rare)
};

using WsSession = BasicWsSession<Socket>;
using TlsWsSession = BasicWsSession<TlsStream>;
extern template class BasicWsSession<Socket>;
extern template class BasicWsSession<TlsStream>;

}  // namespace gangway::net
