#include "gateway/proxy/upstream.hpp"

#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <optional>
#include <stdexcept>

namespace gangway::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

// A pooled connection the backend closed (FIN, RST) or wrote to unasked is
// no use: one byte peeked without waiting tells which.
bool looks_open(Stream& stream) {
  char byte;
  auto n = ::recv(stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

std::optional<tcp::endpoint> literal(const std::string& host, const std::string& port) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  return tcp::endpoint(address, static_cast<unsigned short>(std::stoi(port)));
}

}  // namespace

Upstream::Upstream(Options options, const std::string& backend_url, std::size_t loops)
    : options_(std::move(options)), idle_(loops) {
  const std::string scheme = "http://";
  if (backend_url.rfind(scheme, 0) != 0) throw std::invalid_argument("pass-through needs an http:// backend URL");
  auto rest = backend_url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  prefix_ = slash == std::string::npos ? "" : rest.substr(slash);
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  auto colon = authority.rfind(':');
  bool bracketed = !authority.empty() && authority.front() == '[';
  if (colon != std::string::npos && (!bracketed || authority[colon - 1] == ']')) {
    host_ = authority.substr(0, colon);
    port_ = authority.substr(colon + 1);
  } else {
    host_ = authority;
    port_ = "80";
  }
  if (bracketed) host_ = host_.substr(1, host_.size() - 2);
  if (host_.empty() || port_.empty() || port_.size() > 5 || port_.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port_) == 0 || std::stoul(port_) > 65535)
    throw std::invalid_argument("pass-through: bad backend URL " + backend_url);
  host_header_ = authority;
}

Upstream::~Upstream() = default;

void Upstream::acquire(std::size_t loop, const Executor& executor, bool fresh, Acquired done) {
  auto& idle = idle_[loop];
  const auto now = std::chrono::steady_clock::now();
  // The most recently used first: the likeliest to be open still.
  while (!fresh && !idle.empty()) {
    auto c = std::move(idle.back());
    idle.pop_back();
    if (now - c->idle_since < options_.pool_idle && looks_open(c->stream)) {
      c->reused = true;
      counters_->backend_reuses.fetch_add(1, std::memory_order_relaxed);
      return done({}, std::move(c));
    }
  }
  connect(executor, std::move(done));
}

void Upstream::release(std::size_t loop, std::unique_ptr<BackendConnection> connection) {
  if (draining() || options_.pool_size == 0) return;
  auto& idle = idle_[loop];
  const auto now = std::chrono::steady_clock::now();
  std::size_t expired = 0;
  while (expired < idle.size() && now - idle[expired]->idle_since >= options_.pool_idle) ++expired;
  if (idle.size() - expired >= options_.pool_size) ++expired;  // full: the oldest goes
  idle.erase(idle.begin(), idle.begin() + static_cast<std::ptrdiff_t>(expired));
  connection->stream.expires_never();
  connection->idle_since = now;
  idle.push_back(std::move(connection));
}

void Upstream::close_all() {
  for (auto& idle : idle_) idle.clear();
}

void Upstream::connect(const Executor& executor, Acquired done) {
  auto c = std::make_unique<BackendConnection>(executor);
  if (auto at = literal(host_, port_)) {
    c->stream.expires_after(options_.connect_timeout);
    return connect_to(std::move(c), {*at}, std::move(done));
  }
  // The lookup runs on asio's resolver thread; the deadline covers it and the connect.
  const auto deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
  auto resolver = std::make_shared<tcp::resolver>(executor);
  auto timer = std::make_shared<asio::steady_timer>(executor, deadline);
  timer->async_wait([resolver](boost::system::error_code ec) {
    if (!ec) resolver->cancel();
  });
  resolver->async_resolve(
      host_, port_,
      [this, resolver, timer, deadline, c = std::move(c), done = std::move(done)](
          boost::system::error_code ec, tcp::resolver::results_type found) mutable {
        timer->cancel();
        if (ec) return done(std::chrono::steady_clock::now() >= deadline ? beast::error::timeout : ec, nullptr);
        std::vector<tcp::endpoint> at;
        for (const auto& entry : found) at.push_back(entry.endpoint());
        c->stream.expires_at(deadline);
        connect_to(std::move(c), at, std::move(done));
      });
}

void Upstream::connect_to(std::unique_ptr<BackendConnection> c, const std::vector<tcp::endpoint>& at, Acquired done) {
  auto& stream = c->stream;
  stream.async_connect(at, [this, c = std::move(c), done = std::move(done)](beast::error_code ec,
                                                                             const tcp::endpoint&) mutable {
    if (ec) return done(ec, nullptr);
    c->stream.expires_never();
    c->stream.socket().set_option(tcp::no_delay(true), ec);
    counters_->backend_connects.fetch_add(1, std::memory_order_relaxed);
    done({}, std::move(c));
  });
}

}  // namespace gangway::proxy
