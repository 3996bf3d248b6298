#include "tests/support/ws_client.hpp"

#include <openssl/bn.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/contract_log.hpp"

namespace gangway::test {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

// What the client's thread and the test share; the socket is the subclass's.
struct WsClient::Impl : std::enable_shared_from_this<Impl> {
  boost::asio::io_context ioc;
  std::thread thread;
  Handshake handshake;
  std::string server_certificate;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> frames;
  std::deque<std::pair<bool, std::string>> outbox;  // (binary, data)
  bool closed = false;
  int close_code = 0;
  std::string close_reason;
  std::chrono::steady_clock::time_point closed_at;
  std::string dialect;  // for the contract log

  virtual ~Impl() = default;
  virtual void read() = 0;
  virtual void write_front() = 0;
  virtual void async_close(int code) = 0;
  virtual void close_socket() = 0;

  void on_read(beast::error_code ec, beast::flat_buffer& buffer, const websocket::close_reason& reason, bool text) {
    std::lock_guard lock(mu);
    if (ec) {
      closed = true;
      close_code = reason.code == 0 ? 1006 : reason.code;
      close_reason = std::string(reason.reason.data(), reason.reason.size());
      closed_at = std::chrono::steady_clock::now();
      cv.notify_all();
      return;
    }
    frames.push_back(beast::buffers_to_string(buffer.data()));
    if (text) record_frame(dialect, "server", frames.back());
    buffer.consume(buffer.size());
    cv.notify_all();
  }
};

namespace {

template <class Ws>
struct StreamImpl : WsClient::Impl {
  std::unique_ptr<ssl::context> tls;  // wss only; before `ws`, which uses it
  Ws ws;
  beast::flat_buffer buffer;

  template <class... Args>
  explicit StreamImpl(std::unique_ptr<ssl::context> context, Args&&... args)
      : tls(std::move(context)), ws(ioc, std::forward<Args>(args)...) {}

  std::shared_ptr<StreamImpl> self() { return std::static_pointer_cast<StreamImpl>(shared_from_this()); }

  void read() override {
    ws.async_read(buffer, [self = self()](beast::error_code ec, std::size_t) {
      self->on_read(ec, self->buffer, self->ws.reason(), self->ws.got_text());
      if (!ec) self->read();
    });
  }

  void write_front() override {
    ws.binary(outbox.front().first);
    ws.async_write(boost::asio::buffer(outbox.front().second), [self = self()](beast::error_code ec, std::size_t) {
      self->outbox.pop_front();
      if (!ec && !self->outbox.empty()) self->write_front();
    });
  }

  void async_close(int code) override {
    ws.async_close(websocket::close_reason(static_cast<websocket::close_code>(code)), [self = self()](beast::error_code) {});
  }

  void close_socket() override {
    beast::error_code ignored;
    beast::get_lowest_layer(ws).close(ignored);
  }
};

using PlainImpl = StreamImpl<websocket::stream<tcp::socket>>;
using TlsImpl = StreamImpl<websocket::stream<ssl::stream<tcp::socket>>>;

tcp::endpoint local(int port) {
  return {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)};
}

http::request<http::empty_body> upgrade_request(const std::string& target, const WsClient::Headers& headers) {
  http::request<http::empty_body> req(http::verb::get, target, 11);
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::connection, "Upgrade");
  req.set(http::field::sec_websocket_version, "13");
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  for (const auto& [k, v] : headers) req.set(k, v);
  return req;
}

// Beast 1.74 does not hand back a declined upgrade's status, so a refused
// client asks again with a plain HTTP upgrade request on `stream` and reads
// the refusal itself.
template <class Stream>
Handshake read_refusal(Stream& stream, const std::string& target, const WsClient::Headers& headers) {
  beast::error_code ec;
  auto req = upgrade_request(target, headers);
  http::write(stream, req, ec);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  http::read(stream, buf, parser, ec);  // the refusal closes the connection: its end is no error
  if (!parser.is_header_done()) return {-1, "", ec ? "no answer: " + ec.message() : "no answer"};
  return {static_cast<int>(parser.get().result_int()), parser.get().body(), ""};
}

std::unique_ptr<ssl::context> client_context(const ClientTls& tls) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  if (!tls.ca_file.empty()) ctx->load_verify_file(tls.ca_file);
  ctx->set_verify_mode(ssl::verify_peer);
  if (!tls.cert_file.empty()) {
    ctx->use_certificate_chain_file(tls.cert_file);
    ctx->use_private_key_file(tls.key_file, ssl::context::pem);
  }
  return ctx;
}

// A TLS connection to 127.0.0.1:port, verified against `tls`; `error` says why not.
bool connect_tls(ssl::stream<tcp::socket>& stream, int port, const ClientTls& tls, std::string& error) {
  beast::error_code ec;
  stream.next_layer().connect(local(port), ec);
  if (ec) {
    error = "connect: " + ec.message();
    return false;
  }
  auto name = tls.server_name.empty() ? std::string("127.0.0.1") : tls.server_name;
  boost::system::error_code not_ip;
  boost::asio::ip::make_address(name, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(stream.native_handle(), name.c_str());
  stream.set_verify_callback(ssl::host_name_verification(name));
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) error = "TLS handshake: " + ec.message();
  return !ec;
}

std::string describe_peer(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (!cert) return "";
  std::string text = "subject ";
  BIO* out = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(out, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long n = BIO_get_mem_data(out, &data);
  text.append(data, static_cast<std::size_t>(n));
  BIO_free(out);
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    char* hex = BN_bn2hex(bn);
    text += ", serial " + std::string(hex);
    OPENSSL_free(hex);
    BN_free(bn);
  }
  return text;
}

}  // namespace

WsClient::WsClient(int port, const std::string& target, const Headers& headers, const std::string& source) {
  auto impl = std::make_shared<PlainImpl>(nullptr);
  impl_ = impl;
  impl->dialect = dialect_of_current_test();
  if (impl->dialect.empty()) impl->dialect = dialect_of_socket(target, headers);
  auto& sock = impl->ws.next_layer();
  beast::error_code ec;
  sock.open(tcp::v4(), ec);
  if (!source.empty()) sock.bind(tcp::endpoint(boost::asio::ip::make_address(source), 0), ec);
  sock.connect(local(port), ec);
  if (ec) {
    impl->handshake = {-1, "", "connect: " + ec.message()};
    impl->closed = true;
    return;
  }
  impl->ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [k, v] : headers) req.set(k, v);
  }));
  websocket::response_type res;
  impl->ws.handshake(res, "127.0.0.1:" + std::to_string(port), target, ec);
  if (ec) {
    impl->closed = true;
    tcp::socket again(impl->ioc);
    again.connect(local(port), ec);
    impl->handshake = ec ? Handshake{-1, "", "connect: " + ec.message()} : read_refusal(again, target, headers);
    return;
  }
  impl->handshake.http_status = 101;
  impl->read();
  impl->thread = std::thread([impl] { impl->ioc.run(); });
}

WsClient::WsClient(int port, const std::string& target, const ClientTls& tls, const Headers& headers) {
  auto context = client_context(tls);
  auto& ctx = *context;
  auto impl = std::make_shared<TlsImpl>(std::move(context), ctx);
  impl_ = impl;
  impl->dialect = dialect_of_current_test();
  if (impl->dialect.empty()) impl->dialect = dialect_of_socket(target, headers);
  impl->closed = true;  // until upgraded
  if (!connect_tls(impl->ws.next_layer(), port, tls, impl->handshake.error)) {
    impl->handshake.http_status = -1;
    return;
  }
  impl->server_certificate = describe_peer(impl->ws.next_layer().native_handle());
  impl->ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [k, v] : headers) req.set(k, v);
  }));
  websocket::response_type res;
  beast::error_code ec;
  impl->ws.handshake(res, "127.0.0.1:" + std::to_string(port), target, ec);
  if (ec) {
    ssl::stream<tcp::socket> again(impl->ioc, ctx);
    std::string error;
    impl->handshake = connect_tls(again, port, tls, error) ? read_refusal(again, target, headers)
                                                           : Handshake{-1, "", error};
    return;
  }
  impl->closed = false;
  impl->handshake.http_status = 101;
  impl->read();
  impl->thread = std::thread([impl] { impl->ioc.run(); });
}

WsClient::~WsClient() {
  if (impl_->thread.joinable()) {
    boost::asio::post(impl_->ioc, [impl = impl_] { impl->close_socket(); });
    impl_->thread.join();
    // The loop stops by itself once the server has closed the socket, maybe
    // before the close above ran: run what is left, or the queued handlers
    // (each holding impl) would keep impl and its io_context alive for good.
    impl_->ioc.restart();
    impl_->ioc.run();
  }
}

const Handshake& WsClient::handshake() const { return impl_->handshake; }
const std::string& WsClient::server_certificate() const { return impl_->server_certificate; }

bool WsClient::open() const {
  std::lock_guard lock(impl_->mu);
  return !impl_->closed;
}

void WsClient::send(const std::string& text) {
  record_frame(impl_->dialect, "client", text);
  boost::asio::post(impl_->ioc, [impl = impl_, text] {
    impl->outbox.emplace_back(false, text);
    if (impl->outbox.size() == 1) impl->write_front();
  });
}

void WsClient::send_binary(const std::string& data) {
  boost::asio::post(impl_->ioc, [impl = impl_, data] {
    impl->outbox.emplace_back(true, data);
    if (impl->outbox.size() == 1) impl->write_front();
  });
}

std::optional<std::string> WsClient::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait_for(lock, timeout, [&] { return !impl_->frames.empty() || impl_->closed; });
  if (impl_->frames.empty()) return std::nullopt;
  auto f = std::move(impl_->frames.front());
  impl_->frames.pop_front();
  return f;
}

std::optional<std::string> WsClient::next_where(const std::string& key, const std::string& value,
                                                std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto f = next(left);
    if (!f) return std::nullopt;
    auto j = nlohmann::json::parse(*f, nullptr, false);
    if (j.is_object() && j.contains(key) && j[key].is_string() && j[key] == value) return f;
  }
}

bool WsClient::silent_for(std::chrono::milliseconds quiet) {
  std::unique_lock lock(impl_->mu);
  return !impl_->cv.wait_for(lock, quiet, [&] { return !impl_->frames.empty(); });
}

int WsClient::wait_closed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait_for(lock, timeout, [&] { return impl_->closed; });
  return impl_->closed ? impl_->close_code : 0;
}

std::string WsClient::close_reason() const {
  std::lock_guard lock(impl_->mu);
  return impl_->close_reason;
}

std::chrono::steady_clock::time_point WsClient::closed_at() const {
  std::lock_guard lock(impl_->mu);
  return impl_->closed_at;
}

void WsClient::close(int code) {
  boost::asio::post(impl_->ioc, [impl = impl_, code] { impl->async_close(code); });
}

}  // namespace gangway::test
