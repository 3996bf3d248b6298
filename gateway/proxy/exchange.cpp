// An exchange's request half: the checks, the framing, a backend connection,
// the header and the body streamed to it (exchange.hpp).
#include "gateway/proxy/exchange.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "gateway/proxy/forwarding.hpp"

namespace gangway::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

Exchange::Exchange(Upstream& upstream, std::size_t loop, Stream& client, beast::flat_buffer& client_buffer,
                   std::unique_ptr<RequestParser> request, Done done)
    : upstream_(upstream),
      loop_(loop),
      client_(client),
      client_buffer_(client_buffer),
      request_(std::move(request)),
      done_(std::move(done)),
      chunk_(new char[kChunk]) {
  upstream_.counters().in_flight.fetch_add(1, std::memory_order_relaxed);
}

Exchange::~Exchange() { upstream_.counters().in_flight.fetch_sub(1, std::memory_order_relaxed); }

void Exchange::start() {
  upstream_.counters().requests.fetch_add(1, std::memory_order_relaxed);
  if (auto status = refusal()) return fail(status);
  frame_request();
  acquire(false);
}

unsigned Exchange::refusal() const { return request_refusal(request_->get()); }

void Exchange::frame_request() {
  auto& request = request_->get();
  client_version_ = request.version();
  head_ = request.method() == http::verb::head;
  client_keep_alive_ = request_->keep_alive() && !upstream_.draining();
  expects_continue_ = client_version_ >= 11 && beast::iequals(request[http::field::expect], "100-continue");
  const auto method = request.method();
  replayable_ = request_->is_done() && (method == http::verb::get || method == http::verb::head ||
                                        method == http::verb::options || method == http::verb::trace ||
                                        method == http::verb::put || method == http::verb::delete_);
  const auto length = request_->content_length();
  const bool chunked = request_->chunked();
  beast::error_code ec;
  auto peer = client_.socket().remote_endpoint(ec);
  forward_request(request, ec ? "" : peer.address().to_string(), upstream_.options(), upstream_.host(),
                  upstream_.prefix());
  // The body goes on as it came: the same length, or chunked again.
  request.erase(http::field::content_length);
  if (length) request.content_length(*length);
  else if (chunked) request.chunked(true);
}

void Exchange::acquire(bool fresh) {
  upstream_.acquire(loop_, client_.get_executor(), fresh,
                    [self = shared_from_this()](beast::error_code ec, std::unique_ptr<BackendConnection> c) {
                      self->on_connected(ec, std::move(c));
                    });
}

void Exchange::on_connected(beast::error_code ec, std::unique_ptr<BackendConnection> connection) {
  if (ec) return fail(ec == beast::error::timeout ? 504 : 502);
  backend_ = std::move(connection);
  request_out_.emplace(request_->get());
  if (request_->is_done()) {
    auto& body = request_->get().body();
    body.data = nullptr;
    body.size = 0;
    body.more = false;
    return write_request();
  }
  // Only now, with a backend to send it to, is the body asked for.
  if (expects_continue_) return send_continue();
  read_body();
}

void Exchange::send_continue() {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  expects_continue_ = false;
  client_.expires_after(upstream_.options().client_timeout);
  asio::async_write(client_, asio::buffer(kContinue.data(), kContinue.size()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) return self->abort();
                      self->read_body();
                    });
}

void Exchange::read_body() {
  auto& body = request_->get().body();
  body.data = chunk_.get();
  body.size = kChunk;
  client_.expires_after(upstream_.options().client_timeout);
  http::async_read_some(client_, client_buffer_, *request_,
                        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body_read(ec); });
}

void Exchange::on_body_read(beast::error_code ec) {
  if (ec == http::error::need_buffer) ec = {};  // the chunk is full
  if (ec == http::error::body_limit) return fail(413);
  const auto& http_errors = http::make_error_code(http::error::end_of_stream).category();
  if (ec && ec.category() == http_errors && ec != http::error::partial_message && ec != http::error::end_of_stream)
    return fail(400);  // a malformed chunk
  if (ec) return abort();  // the client left, or stalled past client_timeout
  auto& body = request_->get().body();
  const std::size_t got = kChunk - body.size;
  if (got == 0 && !request_->is_done()) return read_body();  // an empty piece would end a chunked body
  body.data = got ? chunk_.get() : nullptr;
  body.size = got;
  body.more = !request_->is_done();
  write_request();
}

void Exchange::write_request() {
  backend_->stream.expires_after(upstream_.options().read_timeout);
  http::async_write(backend_->stream, *request_out_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_request_written(ec);
  });
}

void Exchange::on_request_written(beast::error_code ec) {
  if (ec == http::error::need_buffer) ec = {};  // the piece is written
  if (ec) {
    if (retryable(ec)) return retry();
    return fail(ec == beast::error::timeout ? 504 : 502);
  }
  if (!request_out_->is_done()) return read_body();
  watch_client();
  read_answer_header();
}

bool Exchange::retryable(beast::error_code ec) const {
  return !retried_ && replayable_ && backend_ && backend_->reused && ec != beast::error::timeout &&
         (!answer_ || !answer_->got_some()) && backend_->buffer.size() == 0;
}

void Exchange::retry() {
  retried_ = true;
  upstream_.counters().retries.fetch_add(1, std::memory_order_relaxed);
  backend_.reset();
  answer_.reset();
  request_out_.reset();
  acquire(true);
}

void Exchange::fail(unsigned status) {
  if (answer_started_) return abort();
  upstream_.counters().answered(status);
  backend_.reset();  // mid-exchange: what it would send next is unknown
  complete({status, false});
}

void Exchange::abort() {
  upstream_.counters().aborted.fetch_add(1, std::memory_order_relaxed);
  backend_.reset();
  complete({0, false});
}

void Exchange::complete(Outcome outcome) {
  if (!done_) return;
  auto done = std::move(done_);
  done_ = nullptr;
  done(outcome);
}

}  // namespace gangway::proxy
