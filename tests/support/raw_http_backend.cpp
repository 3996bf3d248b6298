#include "tests/support/raw_http_backend.hpp"

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <limits>
#include <cctype>

namespace gangway::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct RawHttpBackend::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread acceptor_thread;
  std::mutex mu;
  std::vector<std::thread> threads;  // guarded by mu
  std::vector<int> fds;              // open connections, guarded by mu
  std::atomic<bool> stopping{false};
};

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::size_t query_n(const std::string& target) {
  auto at = target.find("n=");
  return at == std::string::npos ? 0 : std::stoul(target.substr(at + 2));
}

bool write_all(tcp::socket& s, const std::string& bytes) {
  beast::error_code ec;
  asio::write(s, asio::buffer(bytes), ec);
  return !ec;
}

}  // namespace

RawHttpBackend::RawHttpBackend() : impl_(std::make_unique<Impl>()) {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->acceptor_thread = std::thread([this] { accept_loop(); });
}

RawHttpBackend::~RawHttpBackend() {
  release();
  impl_->stopping = true;
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  impl_->acceptor_thread.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl_->mu);
    for (int fd : impl_->fds) ::shutdown(fd, SHUT_RDWR);
    threads.swap(impl_->threads);
  }
  for (auto& t : threads) t.join();
}

void RawHttpBackend::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket s(impl_->io);
    impl_->acceptor.accept(s, ec);
    if (ec || impl_->stopping) return;
    connections_.fetch_add(1);
    int fd = s.release();
    std::lock_guard lock(impl_->mu);
    impl_->fds.push_back(fd);
    impl_->threads.emplace_back([this, fd] { serve(fd); });
  }
}

void RawHttpBackend::serve(int fd) {
  tcp::socket s(impl_->io, tcp::v4(), fd);
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.header_limit(1 << 20);
    beast::error_code ec;
    http::read_header(s, buffer, parser, ec);
    if (ec) break;
    const std::string target(parser.get().target());
    {
      std::lock_guard lock(mutex_);
      started_.push_back(target);
    }
    http::read(s, buffer, parser, ec);
    if (ec) {
      std::lock_guard lock(mutex_);
      cut_short_.push_back(target);
      break;
    }
    auto& req = parser.get();
    RawSeenRequest seen{std::string(req.method_string()), std::string(req.target()), {}, req.body()};
    for (const auto& f : req) {
      auto& v = seen.headers[lower(std::string(f.name_string()))];
      v += (v.empty() ? "" : ", ") + std::string(f.value());
    }
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(seen);
    }
    if (!answer(s, seen) || !parser.keep_alive()) break;
  }
  beast::error_code ignored;
  s.shutdown(tcp::socket::shutdown_both, ignored);
  std::lock_guard lock(impl_->mu);
  impl_->fds.erase(std::remove(impl_->fds.begin(), impl_->fds.end(), fd), impl_->fds.end());
  s.close(ignored);
}

// Raw bytes, for what Beast would not write (garbage, a lie about the length).
bool RawHttpBackend::answer_raw(tcp::socket& s, const std::string& path, const std::string& target) {
  if (path == "/p/garbage") {
    write_all(s, "NOT HTTP AT ALL\r\n\r\n");
    return false;
  }
  if (path == "/p/hangup") return false;
  if (path == "/p/halfhead") {
    write_all(s, "HTTP/1.1 200 OK\r\nContent-");
    return false;
  }
  if (path == "/p/truncate") {
    write_all(s, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
    return false;
  }
  // /p/chunked
  std::string out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::size_t n = query_n(target);
  for (std::size_t sent = 0; sent < n;) {
    std::size_t piece = std::min<std::size_t>(1000, n - sent);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", piece);
    out += size;
    for (std::size_t i = 0; i < piece; ++i) out += static_cast<char>('a' + (sent + i) % 26);
    out += "\r\n";
    sent += piece;
  }
  return write_all(s, out + "0\r\n\r\n");
}

bool RawHttpBackend::answer(tcp::socket& s, const RawSeenRequest& seen) {
  const std::string path = seen.target.substr(0, seen.target.find('?'));
  if (path == "/p/garbage" || path == "/p/truncate" || path == "/p/chunked" || path == "/p/hangup" ||
      path == "/p/halfhead")
    return answer_raw(s, path, seen.target);
  http::response<http::string_body> res(http::status::ok, 11);
  res.set(http::field::server, "raw-test-backend");
  if (path == "/p/slow") {
    std::unique_lock lock(mutex_);
    released_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
    res.body() = "late";
  } else if (path == "/p/echo") {
    res.body() = seen.body;
  } else if (path == "/p/close") {
    res.body() = "closing";
    res.keep_alive(false);
  } else if (path == "/p/bighead") {
    res.set("X-Big", std::string(20 * 1024, 'h'));
    res.body() = "big";
  } else if (path == "/p/hop") {
    res.set(http::field::connection, "X-Drop");
    res.set("X-Drop", "1");
    res.set(http::field::keep_alive, "timeout=5");
    res.set(http::field::proxy_authenticate, "Basic");
    res.set("X-Keep", "1");
    res.body() = "hop";
  } else {
    res.body() = "ok";
  }
  res.prepare_payload();
  beast::error_code ec;
  http::write(s, res, ec);
  return !ec && res.keep_alive();
}

std::vector<RawSeenRequest> RawHttpBackend::requests() {
  std::lock_guard lock(mutex_);
  return seen_;
}

std::size_t RawHttpBackend::request_count() {
  std::lock_guard lock(mutex_);
  return seen_.size();
}

RawSeenRequest RawHttpBackend::last(const std::string& prefix) {
  std::lock_guard lock(mutex_);
  for (auto it = seen_.rbegin(); it != seen_.rend(); ++it)
    if (it->target.rfind(prefix, 0) == 0) return *it;
  return {};
}

bool RawHttpBackend::started(const std::string& target) {
  std::lock_guard lock(mutex_);
  return std::find(started_.begin(), started_.end(), target) != started_.end();
}

bool RawHttpBackend::cut_short(const std::string& target) {
  std::lock_guard lock(mutex_);
  return std::find(cut_short_.begin(), cut_short_.end(), target) != cut_short_.end();
}

void RawHttpBackend::release() {
  {
    std::lock_guard lock(mutex_);
    released_ = true;
  }
  released_cv_.notify_all();
}

}  // namespace gangway::test
