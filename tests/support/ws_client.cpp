#include "tests/support/ws_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
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
using tcp = boost::asio::ip::tcp;

struct WsClient::Impl : std::enable_shared_from_this<Impl> {
  boost::asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  beast::flat_buffer buffer;
  std::thread thread;
  Handshake handshake;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> frames;
  std::deque<std::pair<bool, std::string>> outbox;  // (binary, data)
  bool closed = false;
  int close_code = 0;
  std::string close_reason;
  std::chrono::steady_clock::time_point closed_at;
  std::string dialect;  // for the contract log

  void read() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      std::lock_guard lock(self->mu);
      if (ec) {
        self->closed = true;
        self->close_code = self->ws.reason().code;
        if (self->close_code == 0) self->close_code = 1006;
        self->close_reason = std::string(self->ws.reason().reason.data(), self->ws.reason().reason.size());
        self->closed_at = std::chrono::steady_clock::now();
        self->cv.notify_all();
        return;
      }
      self->frames.push_back(beast::buffers_to_string(self->buffer.data()));
      if (self->ws.got_text()) record_frame(self->dialect, "server", self->frames.back());
      self->buffer.consume(self->buffer.size());
      self->cv.notify_all();
      self->read();
    });
  }

  void write_front() {
    ws.binary(outbox.front().first);
    ws.async_write(boost::asio::buffer(outbox.front().second),
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     self->outbox.pop_front();
                     if (!ec && !self->outbox.empty()) self->write_front();
                   });
  }
};

namespace {

Handshake probe_refusal(int port, const std::string& target, const WsClient::Headers& headers) {
  boost::asio::io_context ioc;
  tcp::socket sock(ioc);
  beast::error_code ec;
  sock.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), ec);
  if (ec) return {-1, ""};
  http::request<http::empty_body> req(http::verb::get, target, 11);
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::connection, "Upgrade");
  req.set(http::field::sec_websocket_version, "13");
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  for (const auto& [k, v] : headers) req.set(k, v);
  http::write(sock, req, ec);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(sock, buf, res, ec);
  if (ec && ec != http::error::end_of_stream) return {-1, ""};
  return {static_cast<int>(res.result_int()), res.body()};
}

}  // namespace

WsClient::WsClient(int port, const std::string& target, const Headers& headers, const std::string& source) {
  impl_ = std::make_shared<Impl>();
  impl_->dialect = dialect_of_current_test();
  if (impl_->dialect.empty()) impl_->dialect = dialect_of_socket(target, headers);
  auto& sock = impl_->ws.next_layer();
  beast::error_code ec;
  sock.open(tcp::v4(), ec);
  if (!source.empty()) sock.bind(tcp::endpoint(boost::asio::ip::make_address(source), 0), ec);
  sock.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), ec);
  if (ec) {
    impl_->handshake.http_status = -1;
    impl_->closed = true;
    return;
  }
  impl_->ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [k, v] : headers) req.set(k, v);
  }));
  websocket::response_type res;
  impl_->ws.handshake(res, "127.0.0.1:" + std::to_string(port), target, ec);
  if (ec) {
    // Beast 1.74 does not hand back a declined upgrade's status, so ask again
    // with a plain HTTP upgrade request and read the refusal ourselves.
    impl_->closed = true;
    impl_->handshake = probe_refusal(port, target, headers);
    return;
  }
  impl_->handshake.http_status = 101;
  impl_->read();
  impl_->thread = std::thread([impl = impl_] { impl->ioc.run(); });
}

WsClient::~WsClient() {
  if (impl_->thread.joinable()) {
    boost::asio::post(impl_->ioc, [impl = impl_] {
      beast::error_code ignored;
      impl->ws.next_layer().close(ignored);
    });
    impl_->thread.join();
    // The loop stops by itself once the server has closed the socket, maybe
    // before the close above ran: run what is left, or the queued handlers
    // (each holding impl) would keep impl and its io_context alive for good.
    impl_->ioc.restart();
    impl_->ioc.run();
  }
}

const Handshake& WsClient::handshake() const { return impl_->handshake; }

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
  boost::asio::post(impl_->ioc, [impl = impl_, code] {
    impl->ws.async_close(websocket::close_reason(static_cast<websocket::close_code>(code)),
                         [impl](beast::error_code) {});
  });
}

}  // namespace gangway::test
