#include "gateway/admin/admin_connection.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <string_view>
#include <type_traits>

namespace gangway::admin_detail {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
// HTTPS: asio's own TLS stream. Its ~70 KiB per connection matter little on
// a port with at most admin.max_connections of them (the app ports use
// net::TlsStream, which keeps far less).
using TlsStream = net::ssl::stream<beast::tcp_stream>;

std::string_view view(beast::string_view s) { return {s.data(), s.size()}; }

AdminRequest to_admin_request(const http::request<http::string_body>& req, std::string_view client_subject) {
  AdminRequest r;
  r.client_subject = client_subject;
  r.method = view(req.method_string());
  auto target = view(req.target());
  auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string_view::npos) r.query = target.substr(q + 1);
  r.body = req.body();
  for (const auto& field : req) r.headers.emplace_back(view(field.name_string()), view(field.value()));
  return r;
}

// Syntax errors deserve a 400; a client that went away or ran out of time gets nothing.
bool is_bad_request(const beast::error_code& ec) {
  return ec.category() == beast::error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// The subject of the client's verified certificate, "" if none.
std::string client_subject(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return {};
  BIO* out = BIO_new(BIO_s_mem());
  if (!out) return {};
  X509_NAME_print_ex(out, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long n = BIO_get_mem_data(out, &data);
  std::string subject = n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
  BIO_free(out);
  return subject;
}

enum class Role { serving, rejecting };

// `Stream`: beast::tcp_stream, or TlsStream over one.
template <class Stream>
class AdminConnection : public std::enable_shared_from_this<AdminConnection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  template <class... StreamArgs>
  AdminConnection(std::shared_ptr<AdminShared> shared, Role role, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...), shared_(std::move(shared)), role_(role) {
    ++(role_ == Role::serving ? shared_->serving : shared_->rejecting);
  }
  ~AdminConnection() { --(role_ == Role::serving ? shared_->serving : shared_->rejecting); }

  void start() {
    auto deadline = Clock::now() + options().request_timeout;
    if constexpr (kTls) {
      // The handshake counts against the first request's deadline.
      lowest().expires_at(deadline);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this(), deadline](beast::error_code ec) {
                                if (ec) return self->close();  // no certificate, a wrong one, not TLS
                                self->client_subject_ = client_subject(self->stream_.native_handle());
                                self->begin(deadline);
                              });
    } else {
      begin(deadline);
    }
  }

 private:
  const AdminOptions& options() const { return shared_->options; }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void begin(Clock::time_point deadline) {
    if (role_ == Role::rejecting) return refuse(503, "too many admin connections\n");
    read_request(deadline);
  }

  void read_request(Clock::time_point deadline) {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options().max_header_bytes));
    parser_->body_limit(options().max_body_bytes);
    // One deadline for the header and the body: a byte now and then does not extend it.
    lowest().expires_at(deadline);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&AdminConnection::on_header, this->shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec == http::error::header_limit) {
      return line_complete() ? refuse(431, "request header fields too large\n") : refuse(414, "URI too long\n");
    }
    if (ec) return read_failed(ec);
    if (parser_->get().target().size() > options().max_target_bytes) return refuse(414, "URI too long\n");
    if (parser_->is_done()) return on_request({}, 0);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&AdminConnection::on_request, this->shared_from_this()));
  }

  void on_request(beast::error_code ec, std::size_t) {
    if (ec) return read_failed(ec);
    const auto& req = parser_->get();
    AdminResponse res = shared_->dispatch(to_admin_request(req, client_subject_));
    answer(std::move(res), req.version(), req.method() == http::verb::head, req.keep_alive());
  }

  void read_failed(beast::error_code ec) {
    if (ec == http::error::body_limit) return refuse(413, "payload too large\n");
    if (is_bad_request(ec)) return refuse(400, "bad request\n");
    close();  // timed out (the stream closed the socket already), reset, or closed by the client
  }

  // After a header_limit error the buffer holds what was read: has the request line ended?
  bool line_complete() const {
    auto data = buffer_.data();
    return std::string_view(static_cast<const char*>(data.data()), data.size()).find('\n') != std::string_view::npos;
  }

  void refuse(int status, std::string body) { answer(AdminResponse{status, "text/plain", std::move(body), {}}, 11, false, false); }

  void answer(AdminResponse r, unsigned version, bool head, bool keep_alive) {
    response_ = {};
    response_.result(static_cast<unsigned>(r.status));
    response_.version(version);
    response_.set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) response_.set(name, value);
    response_.keep_alive(keep_alive);
    response_.content_length(r.body.size());
    if (!head) response_.body() = std::move(r.body);
    lowest().expires_after(options().request_timeout);  // a client that does not read its answer
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&AdminConnection::on_write, this->shared_from_this(), keep_alive));
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return close();
    if (!keep_alive) return linger();
    if (buffer_.size() > 0) return read_request(Clock::now() + options().request_timeout);  // pipelined
    lowest().expires_after(options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(512),
                            beast::bind_front_handler(&AdminConnection::on_first_bytes, this->shared_from_this()));
  }

  // The next request on a kept-alive connection has begun: its deadline starts now.
  void on_first_bytes(beast::error_code ec, std::size_t n) {
    if (ec) return close();
    buffer_.commit(n);
    read_request(Clock::now() + options().request_timeout);
  }

  // Our side is done: half-close, drop what the client still sends, close at
  // its end-of-stream or the linger deadline. Over TLS: the close_notify,
  // then the client's (asio reads until it comes), bounded alike.
  void linger() {
    lowest().expires_after(options().linger_timeout);
    if constexpr (kTls) {
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      drain({}, 0);
    }
  }

  void drain(beast::error_code ec, std::size_t) {
    if (ec) return close();
    stream_.async_read_some(net::buffer(discard_),
                            beast::bind_front_handler(&AdminConnection::drain, this->shared_from_this()));
  }

  void close() {
    beast::error_code ignored;
    lowest().socket().close(ignored);
  }

  Stream stream_;
  std::string client_subject_;  // TLS with client CAs: the verified certificate's subject
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::array<char, 1024> discard_{};
  const std::shared_ptr<AdminShared> shared_;
  const Role role_;
};

}  // namespace

namespace {

void serve(tcp::socket socket, const std::shared_ptr<AdminShared>& shared, Role role) {
  if (!shared->tls) return std::make_shared<AdminConnection<beast::tcp_stream>>(shared, role, std::move(socket))->start();
  // The context of this moment (a reload applies to the next connection);
  // the connection keeps its own reference once made.
  net::ssl::context context(shared->tls->context_reference());
  std::make_shared<AdminConnection<TlsStream>>(shared, role, std::move(socket), context)->start();
}

}  // namespace

void admit_connection(tcp::socket socket, const std::shared_ptr<AdminShared>& shared) {
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);  // pipelined answers: no wait for the client's delayed ACK
  const auto cap = shared->options.max_connections;
  if (shared->serving < cap) return serve(std::move(socket), shared, Role::serving);
  if (shared->rejecting < cap) return serve(std::move(socket), shared, Role::rejecting);
  socket.close(ignored);  // refused outright: answering would cost as much as serving
}

}  // namespace gangway::admin_detail
