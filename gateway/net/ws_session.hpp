#pragma once
// One client socket, from the HTTP upgrade to the last close frame.
//
// Lives on one loop for its whole life (every handler runs there); only
// pending asynchronous operations hold it alive. The upgrade is read and
// authenticated before the WebSocket is accepted, so a refused client gets a
// plain HTTP status and learns nothing else. Writes go through a bounded queue
// with one write in flight; a client that cannot keep up is closed, never
// allowed to slow its rooms down.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/app/runtime.hpp"

namespace gangway::net {

class WsSession : public std::enable_shared_from_this<WsSession>, public Connection {
 public:
  WsSession(boost::asio::ip::tcp::socket&& socket, std::size_t loop, AppRuntime& app, Services& services);
  ~WsSession() override;

  // On the session's loop: reads and answers the upgrade request.
  void start();

  // Connection (on the session's loop).
  void send(const Frame& frame) override;
  void close(int code, std::string_view reason) override;
  const SessionInfo& info() const override { return info_; }

 private:
  using Request = boost::beast::http::request<boost::beast::http::empty_body>;

  // Upgrade (ws_session.cpp)
  void on_request(boost::beast::error_code ec);
  bool authenticate(const Request& req, const Target& target);
  void refuse(unsigned status, std::string_view code);
  void accept_then(std::function<void()> next);
  void run_checks(std::shared_ptr<std::vector<CalloutCall>> checks, std::size_t i,
                  std::function<void(backend::CalloutResult::Outcome)> done);
  void opened();

  // Frames (ws_session.cpp)
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void write_front();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void send_text(std::string text);
  void shutdown(std::string_view reason);

  // Actions (session_actions.cpp)
  void execute(Action&& action);
  void send_error(DialectError error);
  void authorize_then(const Action& action, std::function<void()> next);
  void call(const CalloutCall& call, std::function<void(backend::CalloutResult)> done);
  void join(const RoomKey& room, std::function<void()> ready);
  void leave(const RoomKey& room);
  bool in_room(const RoomKey& room) const;
  void publish(const Action& action);
  void publish_lifecycle(std::string_view what, Json extra);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> parser_;
  Request request_;  // kept until the upgrade is accepted
  std::size_t loop_;
  AppRuntime& app_;
  Services& services_;

  SessionInfo info_;
  std::string token_;   // forwarded to callouts that ask for the bearer; never logged
  std::string cookie_;  // forwarded to callouts that ask for the cookie; never logged
  std::vector<RoomKey> rooms_;
  std::deque<Frame> queue_;
  std::size_t queued_bytes_ = 0;
  std::chrono::steady_clock::time_point opened_at_;
  bool open_ = false;     // the WebSocket is accepted and registered
  bool closing_ = false;  // a close was started; no more writes are queued
};

}  // namespace gangway::net
