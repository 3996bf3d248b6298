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
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "gateway/app/runtime.hpp"
#include "gateway/net/batching_stream.hpp"
#include "gateway/net/read_buffer.hpp"

namespace gangway::net {

class WsSession : public std::enable_shared_from_this<WsSession>, public Connection {
 public:
  WsSession(BatchingStream::Socket&& socket, std::size_t loop, AppRuntime& app, Services& services);
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
  void arm_deadline();  // closes the socket unless the upgrade (or the close) is done in time
  void on_request(boost::beast::error_code ec);
  void authenticate(std::function<void(bool ok)> done);
  void authenticate_cookie(std::function<void(bool ok)> done);
  void settle_claims();  // marks an admin; keeps only the claims and credentials read later
  void refuse_unauthorized();
  bool within_connection_limits();
  void open_checked();
  void refuse(unsigned status, std::string_view code);
  void accept_then(std::function<void()> next);
  void compress_if_agreed(boost::beast::string_view extensions);  // the Sec-WebSocket-Extensions answered
  static bool offers_client_window(boost::beast::string_view extensions);  // may the server pick the client's window?
  void run_checks(std::shared_ptr<std::vector<CalloutCall>> checks, std::size_t i,
                  std::function<void(backend::CalloutResult::Outcome)> done);
  void opened();                 // joins the socket's rooms, then welcome()
  void welcome(Opened&& plan);   // the dialect's open frames and actions, then reading starts

  // Frames (ws_session.cpp)
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void write_front();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void send_text(std::string text);
  void shutdown(std::string_view reason);

  void do_close();

  // Actions (session_actions.cpp)
  void execute(Action&& action);
  void answer(Action&& query);
  void send_error(DialectError error);
  void authorize_then(const Action& action, std::function<void()> next);
  void call(const CalloutCall& call, std::function<void(backend::CalloutResult)> done, Json body = nullptr);
  bool tracked(const RoomKey& room) const;  // presence is kept for this room
  void join(const RoomKey& room, std::function<void()> ready);
  void leave(const RoomKey& room);
  bool in_room(const RoomKey& room) const;
  // The rooms every socket is in (its user's, its connection's, the app's
  // `all`) are kept as bits, not RoomKeys: ~200 bytes less per socket.
  int standing_bit(const RoomKey& room) const;            // 0: not one of them
  std::vector<RoomKey> standing_rooms(int bits) const;  // those of `bits`, user first
  std::vector<RoomKey> joined_rooms() const;    // in join order: the standing ones, then rooms_
  Json envelope(const Action& action, const std::string& id) const;  // the gw.in body
  void publish(Action&& action);
  void fan_out(const Action& action);
  // `extra_members` is JSON text after the common members: `,"reason":"…"`.
  void publish_lifecycle(std::string_view what, std::string_view extra_members = {});

  // Persisted kinds (session_store.cpp)
  void store_then_fan_out(Action&& action);

  // Wraps a callback from another thread (bus, callout pool) so that it runs
  // on this session's loop, and only while the session is alive and open.
  template <class... Args>
  std::function<void(Args...)> post_back(std::type_identity_t<std::function<void(Args...)>> fn) {
    std::weak_ptr<WsSession> weak = shared_from_this();
    return [weak, fn = std::move(fn)](Args... args) {
      auto self = weak.lock();
      if (!self) return;
      auto& executor_owner = self->ws_;
      boost::asio::post(executor_owner.get_executor(),
                        [self, fn, tuple = std::make_tuple(std::move(args)...)]() mutable {
                          if (!self->closing_) std::apply(fn, std::move(tuple));
                        });
    };
  }

  // Beast does the handshake, reads and control frames; queued text frames
  // are written in batches by the layer underneath (batching_stream.hpp).
  boost::beast::websocket::stream<BatchingStream> ws_;
  ReadBuffer buffer_;
  // Only while upgrading (~350 bytes an accepted socket no longer carries).
  struct Upgrade {
    boost::beast::http::request_parser<boost::beast::http::empty_body> parser;
    Request request;  // kept until the upgrade is accepted
    Params query;     // the request target's, decoded
  };
  std::unique_ptr<Upgrade> upgrade_;
  std::unique_ptr<boost::asio::steady_timer> deadline_;  // during the upgrade and the close only
  std::size_t loop_;
  AppRuntime& app_;
  Services& services_;

  SessionInfo info_;
  std::string token_;   // forwarded to callouts that ask for the bearer (else dropped once verified); never logged
  std::string cookie_;  // forwarded to callouts that ask for the cookie (else dropped once verified); never logged
  std::vector<RoomKey> rooms_;  // joined, other than the standing rooms
  std::uint8_t standing_ = 0;   // standing rooms joined: 1 user, 2 conn, 4 all
  // A vector, not a deque: an empty std::deque still holds 576 bytes, for
  // every idle socket. Frames before queue_head_ are written; they are erased
  // once they are half of the vector, so a long backlog costs O(1) per frame.
  std::vector<Frame> queue_;
  std::size_t queue_head_ = 0;
  std::size_t queued() const { return queue_.size() - queue_head_; }
  std::size_t queued_bytes_ = 0;
  std::size_t in_flight_ = 0;  // frames from queue_head_ on being written
  std::chrono::steady_clock::time_point opened_at_;
  bool welcomed_ = false;  // the dialect's open frames are queued; until then fan-out frames wait
  bool open_ = false;     // the WebSocket is accepted and registered
  bool closing_ = false;  // a close was started; no more writes are queued
  std::unique_ptr<std::pair<int, std::string>> pending_close_;  // sent once the queue drains (a pointer: rare)
};

}  // namespace gangway::net
