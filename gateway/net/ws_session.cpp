#include "gateway/net/ws_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <span>

#include "gateway/session/upgrade_gate.hpp"

namespace gangway::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {
// A drained write queue keeps this many slots, so a socket that gets an event
// now and then does not allocate for each.
constexpr std::size_t kKeptQueueSlots = 8;

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
  upgrade_->parser.header_limit(kMaxHeader);
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
  http::async_read(ws_.next_layer(), buffer_, upgrade_->parser,
                   [self = self()](beast::error_code ec, std::size_t) { self->on_request(ec); });
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
    if (unsigned status = status_for(ec)) {
      session_.services().metrics->error(session_.app().config.name, "bad_request");
      answer_and_linger(status);
    } else if (kTls && TlsStream::failure_of(ec) != TlsStream::Failure::gone) {
      session_.services().metrics->error(session_.app().config.name, "tls_record");  // garbage after the handshake
    }
    return;
  }
  upgrade_->request = upgrade_->parser.release();
  const auto& request = upgrade_->request;
  UpgradeRequest up;
  up.target = view(request.target());
  up.websocket = websocket::is_upgrade(request);
  up.origin = view(request[http::field::origin]);
  up.authorization = view(request[http::field::authorization]);
  up.cookie = view(request[http::field::cookie]);
  UpgradeGate(session_, *this).run(up);
}

template <class T>
unsigned BasicWsSession<T>::status_for(beast::error_code ec) const {
  const auto& http_errors = http::make_error_code(http::error::end_of_stream).category();
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec.category() != http_errors)
    return 0;  // cut short (or the socket failed): nobody to answer
  if (ec != http::error::header_limit) return 400;
  // The header is over its limit: the request line alone, or the fields?
  auto data = buffer_.data();
  std::string_view head(static_cast<const char*>(data.data()), data.size());
  auto line_end = head.find("\r\n");
  return line_end == std::string_view::npos || line_end > kMaxRequestLine ? 414 : 431;
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
    self->upgrade_.reset();
    if (!ec) {
      self->open_ = true;
      self->session_.app().metrics->connections_total.fetch_add(1, std::memory_order_relaxed);
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
  std::vector<Frame> early;
  early.swap(queue_);
  queued_bytes_ = 0;
  welcomed_ = true;
  greet();
  for (auto& f : early) send(f);
  do_read();
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
    return do_read();
  }
  std::string_view frame(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  session_.on_text(frame);
  buffer_.release();
  do_read();
}

template <class T>
SendResult BasicWsSession<T>::send(const Frame& frame) {
  if (closing_ || !open_) return SendResult::closed;
  if (queued_bytes_ + frame->size() > session_.app().limits.max_queued_bytes) {
    session_.app().metrics->slow_consumers.fetch_add(1, std::memory_order_relaxed);
    session_.services().metrics->error(session_.app().config.name, "slow_consumer");
    // Deferred: the fan-out may be iterating the room this session is in.
    boost::asio::post(ws_.get_executor(), [self = self()] { self->close(1008, "slow consumer"); });
    closing_ = true;
    return SendResult::overflow;
  }
  queued_bytes_ += frame->size();
  queue_.push_back(frame);
  if (queued() == 1 && welcomed_) write_front();
  return SendResult::queued;
}

template <class T>
void BasicWsSession<T>::write_front() {
  // Everything queued so far goes in one gathered write (up to a batch).
  in_flight_ = ws_.next_layer().write_frames(std::span<const Frame>(queue_).subspan(queue_head_), queued(),
                                             [self = self()](beast::error_code ec) { self->on_write(ec, 0); });
}

template <class T>
void BasicWsSession<T>::on_write(beast::error_code ec, std::size_t) {
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < in_flight_; ++i) {
    bytes += queue_[queue_head_ + i]->size();
    queue_[queue_head_ + i].reset();  // the last socket to write a frame frees it
  }
  queued_bytes_ -= bytes;
  auto& metrics = *session_.app().metrics;
  metrics.frames_out.fetch_add(in_flight_, std::memory_order_relaxed);
  metrics.bytes_out.fetch_add(bytes, std::memory_order_relaxed);
  queue_head_ += in_flight_;
  in_flight_ = 0;
  if (ec || queue_head_ == queue_.size()) {
    queue_.clear();
    queue_head_ = 0;
    queued_bytes_ = 0;
  } else if (queue_head_ >= queue_.size() / 2) {
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_));
    queue_head_ = 0;
  }
  if (ec) return;
  if (queued() > 0) return write_front();
  if (queue_.capacity() > kKeptQueueSlots) std::vector<Frame>().swap(queue_);  // a burst's slots go back
  if (pending_close_) do_close();
}

template <class T>
void BasicWsSession<T>::close(int code, std::string_view reason) {
  if (!ws_.is_open() || pending_close_) return;
  closing_ = true;
  pending_close_ = std::make_unique<std::pair<int, std::string>>(code, std::string(reason.substr(0, 120)));
  // Frames not yet started are dropped: the socket is going away. A batch in
  // flight finishes first, bounded by the deadline.
  // Before the greeting nothing is in flight, and the greeting never comes.
  if (!welcomed_) queue_.clear();
  welcomed_ = true;
  queue_.resize(queue_head_ + in_flight_);
  queued_bytes_ = 0;
  for (std::size_t i = queue_head_; i < queue_.size(); ++i) queued_bytes_ += queue_[i]->size();
  arm_deadline();
  if (session_.is_open()) {
    if (auto frame = session_.app().adapter->encode_close(code, reason)) {
      queued_bytes_ += frame->size();
      queue_.push_back(make_frame(std::move(*frame)));
      if (queued() == 1) write_front();
      return;
    }
  }
  if (queued() == 0) do_close();
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
