#include "gateway/net/http_connection.hpp"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "gateway/net/request_errors.hpp"
#include "gateway/net/ws_session.hpp"
#include "gateway/session/runtime.hpp"

namespace gangway::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {
// What reads may add to the buffer past a header at its limit (Beast reads
// at most 64 KiB at a time; twice that is a margin, not a need).
constexpr std::size_t kReadAhead = 128 * 1024;
}  // namespace

HttpConnection::HttpConnection(BatchingStream::Socket&& socket, std::size_t loop, AppRuntime& app,
                               Services& services)
    : stream_(std::move(socket)),
      buffer_(app.config.passthrough.max_header_bytes + kReadAhead),
      loop_(loop),
      app_(app),
      services_(services) {}

bool HttpConnection::passes(const AppRuntime& app, const proxy::RequestHeader& request) {
  if (!app.upstream) return false;
  auto target = request.target();
  auto path = std::string_view(target.data(), target.size());
  path = path.substr(0, path.find('?'));
  if (!app.upstream->options().passes(path)) return false;
  if (!beast::websocket::is_upgrade(request)) return true;
  for (const auto& route : app.routes)
    if (route.match(path)) return false;
  return true;
}

void HttpConnection::start(std::unique_ptr<proxy::RequestParser> request, asio::const_buffer read_ahead) {
  if (read_ahead.size() > buffer_.max_size()) return answer(400);  // cannot happen (kReadAhead); never throw
  buffer_.commit(asio::buffer_copy(buffer_.prepare(read_ahead.size()), read_ahead));
  pass(std::move(request));
}

void HttpConnection::pass(std::unique_ptr<proxy::RequestParser> request) {
  auto exchange = std::make_shared<proxy::Exchange>(
      *app_.upstream, loop_, stream_, buffer_, std::move(request),
      [self = shared_from_this()](proxy::Outcome outcome) { self->on_exchanged(outcome); });
  exchange->start();
}

void HttpConnection::on_exchanged(proxy::Outcome outcome) {
  if (outcome.answer) return answer(outcome.answer);
  if (!outcome.keep_alive) return close_gracefully();
  read_next();
}

void HttpConnection::read_next() {
  const auto& options = app_.config.passthrough;
  parser_ = std::make_unique<proxy::RequestParser>();
  parser_->header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
  parser_->body_limit(options.max_body_bytes);
  if (buffer_.size() == 0) buffer_.shrink_to_fit();  // an idle connection keeps no buffer
  stream_.expires_after(options.idle_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void HttpConnection::on_header(beast::error_code ec) {
  if (ec) {
    auto read = buffer_.data();
    auto status = bad_request_status(ec, {static_cast<const char*>(read.data()), read.size()},
                                     WsSession::kMaxRequestLine, request_line_length(parser_->get()));
    if (status) {
      services_.metrics->error(app_.config.name, "bad_request");
      return answer(status);
    }
    beast::error_code ignored;
    stream_.socket().close(ignored);  // gone, or idle past idle_timeout
    return;
  }
  if (passes(app_, parser_->get())) return pass(std::move(parser_));
  if (!parser_->is_done()) {  // a body the gate would not read
    services_.metrics->error(app_.config.name, "bad_request");
    return answer(400);
  }
  to_gate();
}

// The socket and what was read past the header go to a WsSession, which
// runs the request through its UpgradeGate as if it came first.
void HttpConnection::to_gate() {
  http::request<http::empty_body> request(std::move(parser_->get().base()));
  parser_.reset();
  auto session = std::make_shared<WsSession>(stream_.release_socket(), loop_, app_, services_);
  session->resume(std::move(request), buffer_.data());
}

void HttpConnection::answer(unsigned status) {
  auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
  res->set(http::field::server, "gangway");
  res->set(http::field::content_type, "text/plain");
  res->set(http::field::connection, "close");
  res->body() = std::string(http::obsolete_reason(static_cast<http::status>(status))) + "\n";
  res->prepare_payload();
  stream_.expires_after(app_.config.passthrough.client_timeout);
  http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
    beast::error_code ignored;
    if (ec) self->stream_.socket().close(ignored);
    else self->close_gracefully();
  });
}

// Closing with unread bytes (the rest of a refused body, a pipelined
// request) is a reset, which can destroy the answer before the client reads
// it: so, as nginx's lingering close, FIN first, then read and drop.
void HttpConnection::close_gracefully() {
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  buffer_.consume(buffer_.size());
  stream_.expires_after(kLinger);
  linger();
}

void HttpConnection::linger() {
  stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    beast::error_code ignored;
    if (ec) self->stream_.socket().close(ignored);  // the client's FIN, or kLinger passed
    else self->linger();
  });
}

}  // namespace gangway::net
