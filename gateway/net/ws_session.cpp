#include "gateway/net/ws_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdint>
#include <span>

#include "gateway/core/log.hpp"
#include "gateway/net/http_connection.hpp"
#include "gateway/net/request_errors.hpp"
#include "gateway/session/upgrade_gate.hpp"

namespace gangway::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {
// A client can cause these at will, a struggling network many at once.
LogLimiter bad_requests;
LogLimiter slow_consumers;

std::string_view view(beast::string_view s) { return {s.data(), s.size()}; }
}  // namespace

template <class T>
BasicWsSession<T>::BasicWsSession(T&& transport, std::size_t loop, AppRuntime& app, Services& services)
    : ws_(std::move(transport)), session_(app, services, *this, loop) {}

template <class T>
BasicWsSession<T>::~BasicWsSession() { shutdown("gone"); }

template <class T>
void BasicWsSession<T>::start() {
  upgrade_ = std::make_unique<Upgrade>();
  // The header only: a request the pass-through takes has its body read by it.
  const auto& passthrough = session_.app().config.passthrough;
  upgrade_->parser.header_limit(
      static_cast<std::uint32_t>(passthrough.enabled ? passthrough.max_header_bytes : kMaxHeader));
  if (passthrough.enabled) upgrade_->parser.body_limit(passthrough.max_body_bytes);  // 413 from the header on
  arm_deadline();  // over TLS it covers the handshake too
  if constexpr (kTls) {
    ws_.next_layer().next_layer().async_handshake([self = self()](beast::error_code ec) {
      if (!ec) return self->read_request();
      self->on_tls_failure(ec);
    });
  } else {
    read_request();
  }
}

template <class T>
void BasicWsSession<T>::read_request() {
  http::async_read_header(ws_.next_layer(), buffer_, upgrade_->parser,
                          [self = self()](beast::error_code ec, std::size_t) { self->on_request(ec); });
}

template <class T>
void BasicWsSession<T>::resume(http::request<http::empty_body>&& request, boost::asio::const_buffer read_ahead) {
  upgrade_ = std::make_unique<Upgrade>();
  upgrade_->request = std::move(request);
  buffer_.commit(boost::asio::buffer_copy(buffer_.prepare(read_ahead.size()), read_ahead));
  arm_deadline();
  run_gate();
}

// A client that does not speak our TLS is counted and gets no answer but
// OpenSSL's alert, if any; one that sent plain HTTP (ws:// on a wss:// port)
// is told so in plain HTTP. One that went away without a word (a TCP health
// check) or the deadline is not counted.
template <class T>
void BasicWsSession<T>::on_tls_failure(beast::error_code ec) {
  auto failure = TlsStream::failure_of(ec);
  if (failure == TlsStream::Failure::gone) return;
  bool plain = failure == TlsStream::Failure::plain_http;
  session_.services().metrics->error(session_.app().config.name, plain ? "tls_plain_http" : "tls_handshake");
  if (!plain) return;
  auto answer = boost::asio::buffer(TlsStream::kPlainHttpAnswer.data(), TlsStream::kPlainHttpAnswer.size());
  boost::asio::async_write(beast::get_lowest_layer(ws_), answer, [self = self()](beast::error_code, std::size_t) {
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  });
  arm_deadline(std::chrono::seconds(2));
  linger(std::make_shared<std::array<char, 4096>>());
}

// The whole upgrade (request, authentication, callouts, a refusal's answer)
// and the whole close each have handshake_timeout_s; in between, Beast's
// websocket timeouts (idle, pings) watch the socket and no timer is held.
template <class T>
void BasicWsSession<T>::arm_deadline(std::chrono::seconds limit) {
  if (limit.count() == 0) limit = std::chrono::seconds(session_.app().limits.handshake_timeout_s);
  deadline_ = std::make_unique<boost::asio::steady_timer>(ws_.get_executor(), limit);
  deadline_->async_wait([weak = this->weak_from_this()](beast::error_code ec) {
    if (ec) return;  // cancelled: accepted, or the session is gone
    if (auto self = weak.lock()) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).close(ignored);
      // An upgrade's callouts (cookie, open checks) would otherwise still be
      // sent, and hold the socket until answered.
      if (!self->open_) self->session_.closed("handshake_timeout");
    }
  });
}

template <class T>
void BasicWsSession<T>::on_request(beast::error_code ec) {
  if (ec) {
    // A request that never came whole (the client left, the deadline) gets
    // no answer; one that cannot be taken gets its status, as nginx does.
    auto read = buffer_.data();
    if (unsigned status = bad_request_status(ec, {static_cast<const char*>(read.data()), read.size()}, kMaxRequestLine,
                                             request_line_length(upgrade_->parser.get()))) {
      session_.services().metrics->error(session_.app().config.name, "bad_request");
      log_limited(bad_requests, LogLevel::info, "upgrade refused", session_.log_context(),
                  {{"reason", "bad_request"}, {"status", status}});
      answer_and_linger(status);
    } else if (kTls && TlsStream::failure_of(ec) != TlsStream::Failure::gone) {
      session_.services().metrics->error(session_.app().config.name, "tls_record");  // garbage after the handshake
    }
    return;
  }
  // No pass-through over TLS: the config refuses an app with both (config_check.cpp).
  if constexpr (!kTls)
    if (HttpConnection::passes(session_.app(), upgrade_->parser.get())) return hand_over();
  if (!upgrade_->parser.is_done()) {  // a body: never part of an upgrade
    session_.services().metrics->error(session_.app().config.name, "bad_request");
    return answer_and_linger(400);
  }
  upgrade_->request = upgrade_->parser.release();
  run_gate();
}

template <class T>
void BasicWsSession<T>::hand_over() {
  if constexpr (!kTls) {
    deadline_.reset();  // the pass-through has its own timeouts
    // Only the header is parsed, so the parser takes the body type the relay streams through.
    auto request = std::make_unique<proxy::RequestParser>(std::move(upgrade_->parser));
    upgrade_.reset();
    auto connection = std::make_shared<HttpConnection>(std::move(ws_.next_layer().next_layer()), session_.loop(),
                                                       session_.app(), session_.services());
    connection->start(std::move(request), buffer_.data());
  }
}

template <class T>
void BasicWsSession<T>::run_gate() {
  const auto& request = upgrade_->request;
  UpgradeRequest up;
  up.target = view(request.target());
  up.websocket = websocket::is_upgrade(request);
  up.origin = view(request[http::field::origin]);
  up.authorization = view(request[http::field::authorization]);
  up.cookie = view(request[http::field::cookie]);
  UpgradeGate(session_, *this).run(up);
}

// The client may still be sending what could not be read (a header past the
// limit): closing with unread bytes is a reset, which can destroy the answer
// before the client reads it. So, as nginx's lingering close, what it sends
// is read and dropped for a moment after the answer.
template <class T>
void BasicWsSession<T>::answer_and_linger(unsigned status) {
  refuse(status);
  arm_deadline(std::chrono::seconds(2));
  linger(std::make_shared<std::array<char, 4096>>());
}

template <class T>
void BasicWsSession<T>::linger(std::shared_ptr<std::array<char, 4096>> sink) {
  auto& socket = beast::get_lowest_layer(ws_);  // over TLS too: the bytes are dropped, not decrypted
  socket.async_read_some(boost::asio::buffer(*sink), [self = self(), sink](beast::error_code ec, std::size_t) {
    if (!ec) self->linger(sink);  // until the client's FIN, or the deadline closes the socket
  });
}

template <class T>
void BasicWsSession<T>::refuse(unsigned status) {
  // Says only what the status says: no reason a token failed, no internals.
  auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
  res->set(http::field::content_type, "text/plain");
  res->set(http::field::connection, "close");
  res->body() = std::string(http::obsolete_reason(static_cast<http::status>(status))) + "\n";
  res->prepare_payload();
  http::async_write(ws_.next_layer(), *res, [self = self(), res](beast::error_code, std::size_t) {
    close_notify(self->ws_.next_layer().next_layer());
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  });
}

template <class T>
void BasicWsSession<T>::accept(std::function<void()> then) {
  deadline_.reset();  // cancels it
  const auto& limits = session_.app().limits;
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = std::chrono::seconds(limits.handshake_timeout_s);
  timeouts.idle_timeout = std::chrono::seconds(limits.idle_timeout_s);
  timeouts.keep_alive_pings = true;  // a ping at half the idle timeout; no pong by the end closes
  ws_.set_option(timeouts);
  ws_.read_message_max(limits.max_frame_bytes);  // for a compressed message: its inflated size
  // Once the client's close frame is in, the teardown closes at once (batching_stream.hpp).
  ws_.control_callback([stream = &ws_.next_layer()](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::close) stream->mark_peer_sent_close();
  });
  const auto& compression = session_.app().config.permessage_deflate;
  if (compression.enabled) {
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    // Every message compressed alone, so one compression serves every socket.
    pmd.server_no_context_takeover = true;
    // Beast keeps the window of a client's compressed messages for the
    // socket's life: 512 bytes where the client lets the server choose
    // (browsers do), else the 32 KiB a client that does not must get.
    auto offer = upgrade_->request[http::field::sec_websocket_extensions];
    pmd.client_max_window_bits = offers_client_window(offer) ? 9 : 15;
    ws_.set_option(pmd);
  }
  // Runs inside async_accept, on the answer Beast built: what it says is what the client gets.
  ws_.set_option(websocket::stream_base::decorator([this](websocket::response_type& res) {
    res.set(http::field::server, "gangway");
    if (session_.app().config.permessage_deflate.enabled && res.result() == http::status::switching_protocols)
      compress_if_agreed(res[http::field::sec_websocket_extensions]);
  }));
  // The 101 goes out with the greeting when `then` writes it right away.
  ws_.next_layer().hold_next_write();
  ws_.async_accept(upgrade_->request, [self = self(), then = std::move(then)](beast::error_code ec) {
    auto started = self->upgrade_->started;
    self->upgrade_.reset();
    if (!ec) {
      self->open_ = true;
      auto& metrics = *self->session_.app().metrics;
      metrics.connections_total.fetch_add(1, std::memory_order_relaxed);
      metrics.upgrade_seconds.observe(std::chrono::steady_clock::now() - started);
      then();
    }
    // Whatever `then` did not send with it (no greeting yet, or Beast's own
    // answer to a bad upgrade) goes now.
    self->ws_.next_layer().send_held([self](beast::error_code) {});
  });
}

template <class T>
bool BasicWsSession<T>::offers_client_window(beast::string_view extensions) {
  http::ext_list offers(extensions);
  auto pmd = offers.find("permessage-deflate");  // Beast answers the first offer
  if (pmd == offers.end()) return false;
  for (const auto& param : pmd->second)
    if (beast::iequals(param.first, "client_max_window_bits")) return true;
  return false;
}

template <class T>
void BasicWsSession<T>::compress_if_agreed(beast::string_view extensions) {
  http::ext_list agreed(extensions);
  auto pmd = agreed.find("permessage-deflate");
  if (pmd == agreed.end()) return;
  bool alone = false;
  bool full_window = true;
  for (const auto& param : pmd->second) {
    if (beast::iequals(param.first, "server_no_context_takeover")) alone = true;
    if (beast::iequals(param.first, "server_max_window_bits")) full_window = param.second == "15";
  }
  // The shared bytes are compressed with a 32 KiB window; a client that asked
  // for a smaller one gets every frame uncompressed, which RFC 7692 always allows.
  if (!alone || !full_window) return;
  const auto& c = session_.app().config.permessage_deflate;
  ws_.next_layer().compress_from(c.min_bytes, c.level);
}

template <class T>
void BasicWsSession<T>::greet(const std::function<void()>& greet) {
  // Events that arrived while the rooms were joining wait behind the greeting
  // and the open actions' immediate answers (circles' thread_info).
  std::vector<Frame> early = queue_.take_all();
  welcomed_ = true;
  greet();
  for (auto& f : early) send(f);
  read_next();
}

template <class T>
void BasicWsSession<T>::post(std::function<void()> fn) { boost::asio::post(ws_.get_executor(), std::move(fn)); }

template <class T>
void BasicWsSession<T>::do_read() {
  // An idle socket keeps no read buffer (read_buffer.hpp); the upgrade's goes here.
  if (buffer_.size() == 0) buffer_.shrink_to_fit();
  buffer_.small_steps();
  ws_.async_read(buffer_, [self = self()](beast::error_code ec, std::size_t n) { self->on_read(ec, n); });
}

template <class T>
void BasicWsSession<T>::read_next() {
  if (!read_paused_) return do_read();
  read_stopped_ = true;
}

template <class T>
void BasicWsSession<T>::resume_reading() {
  read_paused_ = false;
  if (!read_stopped_) return;  // a read is pending: it was paused and resumed while handling one frame
  read_stopped_ = false;
  if (!closing_) do_read();
}

template <class T>
void BasicWsSession<T>::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    // message_too_big: Beast has already closed with 1009 ("message too big"), as RFC 6455 asks.
    if (ec == websocket::error::message_too_big)
      session_.services().metrics->error(session_.app().config.name, "too_large");
    else if (kTls && TlsStream::failure_of(ec) == TlsStream::Failure::tls)
      session_.services().metrics->error(session_.app().config.name, "tls_record");  // not a record of this session
    return shutdown(ec == websocket::error::closed ? "client_closed" : ec.message());
  }
  session_.app().metrics->frames_in.fetch_add(1, std::memory_order_relaxed);
  if (!ws_.got_text()) {
    buffer_.release();
    session_.on_binary();
    return read_next();
  }
  std::string_view frame(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  session_.on_text(frame);
  buffer_.release();
  read_next();
}

template <class T>
SendResult BasicWsSession<T>::send(const Frame& frame) {
  if (closing_ || !open_) return SendResult::closed;
  const auto& delivery = session_.services().delivery;
  switch (queue_.offer(frame, session_.app().limits.max_queued_bytes, delivery.max_delay)) {
    case SendQueue::Offer::shed:
      return shed(frame);
    case SendQueue::Offer::overflow:
      slow_consumer();
      return SendResult::overflow;
    case SendQueue::Offer::queued:
      break;
  }
  if (queue_.waiting_count() == 1 && queue_.in_flight() == 0 && welcomed_) write_front();
  return SendResult::queued;
}

template <class T>
SendResult BasicWsSession<T>::shed(const Frame& frame) {
  // A client that reads nothing at all would hold its socket until the write
  // in flight gives up: as with nats-server's write deadline, it is closed.
  // Measured on the event's clock, not read per frame: within max_delay of exact.
  if (queue_.in_flight() > 0 && frame->arrived() - write_started_ > session_.services().delivery.max_write_stall)
    slow_consumer();
  return SendResult::shed;  // counted by the fan-out, once per event and loop
}

template <class T>
void BasicWsSession<T>::slow_consumer() {
  session_.app().metrics->slow_consumers.fetch_add(1, std::memory_order_relaxed);
  session_.services().metrics->error(session_.app().config.name, "slow_consumer");
  log_limited(slow_consumers, LogLevel::warn, "slow consumer closed", session_.log_context(),
              {{"queued_bytes", queue_.bytes()}, {"max_queued_bytes", session_.app().limits.max_queued_bytes},
               {"close_code", 1008}});
  // Deferred: the fan-out may be iterating the room this session is in.
  boost::asio::post(ws_.get_executor(), [self = self()] { self->close(1008, "slow consumer"); });
  closing_ = true;
}

template <class T>
void BasicWsSession<T>::write_front() {
  // What waited too long is not written (send_queue.hpp).
  auto now = std::chrono::steady_clock::now();
  if (std::size_t late = queue_.drop_events_before(now - session_.services().delivery.max_delay))
    session_.app().metrics->deliveries_dropped.fetch_add(late, std::memory_order_relaxed);
  if (queue_.waiting_count() == 0) {
    if (pending_close_) do_close();
    return;
  }
  write_started_ = now;
  // Everything queued so far goes in one gathered write (up to a batch).
  auto waiting = queue_.waiting();
  queue_.start_write(ws_.next_layer().write_frames(
      waiting, waiting.size(), [self = self()](beast::error_code ec) { self->on_write(ec, 0); }));
}

template <class T>
void BasicWsSession<T>::on_write(beast::error_code ec, std::size_t) {
  auto& metrics = *session_.app().metrics;
  if (!ec) {
    std::chrono::steady_clock::time_point now;  // read only if a frame is the first written on this loop
    for (const Frame& frame : queue_.writing()) {
      if (!frame->first_written_on(session_.loop())) continue;
      if (now == std::chrono::steady_clock::time_point{}) now = std::chrono::steady_clock::now();
      metrics.publish_to_write_seconds.observe(now - frame->arrived());
    }
  }
  std::size_t frames = queue_.in_flight();
  std::size_t bytes = queue_.finish_write();  // the last socket to write a frame frees it
  metrics.frames_out.fetch_add(frames, std::memory_order_relaxed);
  metrics.bytes_out.fetch_add(bytes, std::memory_order_relaxed);
  if (ec) return queue_.clear();
  if (queue_.waiting_count() > 0) return write_front();
  if (pending_close_) do_close();
}

template <class T>
void BasicWsSession<T>::close(int code, std::string_view reason) { start_close(code, reason, true); }

template <class T>
void BasicWsSession<T>::finish(int code, std::string_view reason) { start_close(code, reason, false); }

template <class T>
void BasicWsSession<T>::start_close(int code, std::string_view reason, bool drop_queued) {
  if (!ws_.is_open() || pending_close_) return;
  closing_ = true;
  pending_close_ = std::make_unique<std::pair<int, std::string>>(code, std::string(reason.substr(0, 120)));
  // Before the greeting nothing is in flight, and the greeting never comes.
  if (!welcomed_) queue_.clear();
  welcomed_ = true;
  // Frames not yet started are dropped (but by finish()): the socket is going
  // away. A batch in flight finishes first, bounded by the deadline.
  if (drop_queued) queue_.drop_waiting();
  arm_deadline();
  if (session_.is_open()) {
    if (auto frame = session_.app().adapter->encode_close(code, reason)) {
      queue_.offer(make_frame(std::move(*frame)), SIZE_MAX, {});  // never refused: not an event, no bound
      if (queue_.in_flight() == 0) write_front();
      return;
    }
  }
  if (queue_.in_flight() == 0) do_close();
}

template <class T>
void BasicWsSession<T>::do_close() {
  auto [code, reason] = *pending_close_;
  websocket::close_reason cr(static_cast<websocket::close_code>(code),
                             websocket::reason_string(reason.data(), reason.size()));
  ws_.async_close(cr, [self = self()](beast::error_code) { self->shutdown("server_closed"); });
}

template <class T>
void BasicWsSession<T>::shutdown(std::string_view reason) {
  if (!open_) return;
  open_ = false;
  closing_ = true;
  session_.closed(reason);
}

template class BasicWsSession<Socket>;
template class BasicWsSession<TlsStream>;

}  // namespace gangway::net
