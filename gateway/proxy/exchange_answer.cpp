// An exchange's answer half: the backend's header, re-framed for the client,
// and the body streamed to it; then the backend connection back to its pool
// (exchange.hpp).
#include <sys/socket.h>

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <limits>

#include "gateway/proxy/exchange.hpp"
#include "gateway/proxy/forwarding.hpp"

namespace gangway::proxy {

namespace beast = boost::beast;
namespace http = beast::http;

// Nothing reads the client while the backend thinks, so its leaving would
// only show at the first write of the answer, up to read_timeout later. As
// nginx does (ngx_http_upstream_check_broken_connection), the client socket
// is waited on and, once readable, peeked: an end of stream or an error ends
// the exchange; bytes (a pipelined request, left for later) end the watch.
void Exchange::watch_client() {
  watch_ = ++watches_;
  client_.socket().async_wait(boost::asio::ip::tcp::socket::wait_read,
                              [self = shared_from_this(), watch = watch_](beast::error_code ec) {
                                self->on_client_readable(ec, watch);
                              });
}

void Exchange::on_client_readable(beast::error_code ec, unsigned watch) {
  if (watch != watch_ || ec == boost::asio::error::operation_aborted) return;  // stale, or stopped
  watch_ = 0;
  if (!ec) {
    char byte = 0;
    const auto n = ::recv(client_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) return;                                              // a pipelined request
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return watch_client();
  }
  client_gone_ = true;
  if (backend_) backend_->stream.cancel();  // on_answer_header() then ends the exchange
}

void Exchange::stop_watching() {
  if (watch_ == 0) return;
  watch_ = 0;
  beast::error_code ignored;
  client_.socket().cancel(ignored);  // nothing else is pending on the client now
}

void Exchange::read_answer_header() {
  answer_.emplace();
  answer_->header_limit(static_cast<std::uint32_t>(upstream_.options().max_header_bytes));
  // Streamed: any length costs one chunk. Not boost::none: Boost 1.74 compares
  // a Content-Length with the optional itself, and every length exceeds none.
  answer_->body_limit(std::numeric_limits<std::uint64_t>::max());
  if (head_) answer_->skip(true);
  backend_->stream.expires_after(upstream_.options().read_timeout);
  http::async_read_header(backend_->stream, backend_->buffer, *answer_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_answer_header(ec); });
}

void Exchange::on_answer_header(beast::error_code ec) {
  stop_watching();
  if (client_gone_) return abort();
  if (ec) {
    if (retryable(ec)) return retry();
    return fail(ec == beast::error::timeout ? 504 : 502);
  }
  const unsigned status = answer_->get().result_int();
  if (status == 101) return fail(502);  // an upgrade the gateway never asked for (Upgrade is not forwarded)
  if (status >= 100 && status < 200) return read_answer_header();  // interim (102, 103): not relayed
  auto coding = answer_->get()[http::field::transfer_encoding];
  if (!coding.empty() && !beast::iequals(coding, "chunked")) return fail(502);  // cannot be re-framed
  frame_answer();
  relay_answer();
}

void Exchange::frame_answer() {
  auto& answer = answer_->get();
  const bool bodiless = answer_->is_done();
  const bool sized = answer_->content_length().has_value();
  forward_response(answer);
  answer.version(11);
  if (!bodiless && !sized) {
    // Chunked to an HTTP/1.1 client; an HTTP/1.0 one reads to the close.
    if (client_version_ >= 11) answer.chunked(true);
    else client_keep_alive_ = false;
  }
  if (upstream_.draining()) client_keep_alive_ = false;
  if (!client_keep_alive_) answer.set(http::field::connection, "close");
  else if (client_version_ < 11) answer.set(http::field::connection, "keep-alive");
  answer_out_.emplace(answer);
}

void Exchange::relay_answer() {
  auto& body = answer_->get().body();
  if (answer_->is_done()) {
    body.data = nullptr;
    body.size = 0;
    body.more = false;
    return write_answer();
  }
  body.data = chunk_.get();
  body.size = kChunk;
  backend_->stream.expires_after(upstream_.options().read_timeout);
  http::async_read_some(backend_->stream, backend_->buffer, *answer_,
                        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_answer_read(ec); });
}

void Exchange::on_answer_read(beast::error_code ec) {
  if (ec == http::error::need_buffer) ec = {};  // the chunk is full
  if (ec) return fail(ec == beast::error::timeout ? 504 : 502);  // an abort once the answer has begun
  auto& body = answer_->get().body();
  const std::size_t got = kChunk - body.size;
  if (got == 0 && !answer_->is_done()) return relay_answer();  // an empty piece would end a chunked body
  body.data = got ? chunk_.get() : nullptr;
  body.size = got;
  body.more = !answer_->is_done();
  write_answer();
}

void Exchange::write_answer() {
  answer_started_ = true;
  client_.expires_after(upstream_.options().client_timeout);
  http::async_write(client_, *answer_out_,
                    [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_answer_written(ec); });
}

void Exchange::on_answer_written(beast::error_code ec) {
  if (ec == http::error::need_buffer) ec = {};  // the piece is written
  if (ec) return abort();
  if (!answer_out_->is_done()) return relay_answer();
  finish();
}

void Exchange::finish() {
  // Reused only if the backend keeps it open and sent nothing past its answer.
  if (answer_->keep_alive() && backend_->buffer.size() == 0 && request_out_->is_done())
    upstream_.release(loop_, std::move(backend_));
  backend_.reset();
  complete({0, client_keep_alive_});
}

}  // namespace gangway::proxy
