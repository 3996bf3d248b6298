#include "gateway/admin/admin_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <thread>

#include "gateway/admin/admin_connection.hpp"

namespace gangway {

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using admin_detail::AdminShared;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

AdminResponse text(int status, std::string body) { return AdminResponse{status, "text/plain", std::move(body), {}}; }

// A server between start() and stop(). Declared in destruction order: the
// io_context dies (and with it every connection) before what they share.
struct Running {
  std::shared_ptr<AdminShared> shared = std::make_shared<AdminShared>();
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  net::steady_timer pause{ioc};
  std::thread thread;
};

void accept(Running& r) {
  r.acceptor.async_accept([&r](boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors, mostly: wait for some to be freed instead of spinning.
      r.pause.expires_after(std::chrono::milliseconds(100));
      r.pause.async_wait([&r](boost::system::error_code e) {
        if (!e) accept(r);
      });
      return;
    }
    admin_detail::admit_connection(std::move(socket), r.shared);
    accept(r);
  });
}

}  // namespace

std::string_view AdminRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) return v;
  return {};
}

struct AdminServer::Impl {
  struct Route {
    std::string method;
    AdminHandler handler;
    Access access;
  };

  Metrics& metrics;
  ReadinessCheck ready;
  AdminOptions options;
  std::map<std::string, std::vector<Route>, std::less<>> routes;  // by path
  AdminAuthenticator authenticate;
  std::shared_ptr<tls::ServerTls> tls;
  std::unique_ptr<Running> running;

  AdminResponse dispatch(const AdminRequest& req) const;
};

AdminResponse AdminServer::Impl::dispatch(const AdminRequest& req) const {
  auto found = routes.find(req.path);
  if (found == routes.end()) return text(404, "not found\n");
  std::string_view method = req.method == "HEAD" ? "GET" : req.method;
  auto route = std::find_if(found->second.begin(), found->second.end(),
                            [&](const Route& r) { return r.method == method; });
  if (route == found->second.end()) {
    auto res = text(405, "method not allowed\n");
    std::string allow;
    for (const auto& r : found->second) allow += (allow.empty() ? "" : ", ") + r.method;
    res.headers.emplace_back("Allow", allow);
    return res;
  }
  if (route->access == Access::authenticated && !(authenticate && authenticate(req))) {
    auto res = text(401, "unauthorized\n");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return res;
  }
  try {
    return route->handler(req);
  } catch (const std::exception&) {
    return text(500, "internal error\n");
  }
}

AdminServer::AdminServer(Metrics& metrics, ReadinessCheck ready, AdminOptions options)
    : impl_(new Impl{metrics, std::move(ready), options, {}, {}, {}, {}}) {
  add_route("GET", "/healthz", [](const AdminRequest&) { return text(200, "ok\n"); });
  add_route("GET", "/readyz", [impl = impl_.get()](const AdminRequest&) {
    auto why_not = impl->ready();
    return why_not ? text(503, "not ready: " + *why_not + "\n") : text(200, "ready\n");
  });
  add_route("GET", "/metrics", [impl = impl_.get()](const AdminRequest& request) {
    // OpenMetrics when the scraper offers it (Prometheus does), else the Prometheus text format.
    auto format = format_for_accept(request.header("Accept"));
    return AdminResponse{200, std::string(content_type(format)), impl->metrics.render(format), {}};
  });
}

AdminServer::~AdminServer() { stop(); }

void AdminServer::add_route(std::string method, std::string path, AdminHandler handler, Access access) {
  impl_->routes[std::move(path)].push_back({std::move(method), std::move(handler), access});
}

void AdminServer::set_authenticator(AdminAuthenticator authenticate) { impl_->authenticate = std::move(authenticate); }

void AdminServer::set_tls(std::shared_ptr<tls::ServerTls> tls) { impl_->tls = std::move(tls); }

std::uint16_t AdminServer::start(const std::string& host, std::uint16_t port) {
  auto where = host + ":" + std::to_string(port);
  if (impl_->running) throw std::runtime_error("admin: already listening, cannot listen on " + where);
  auto r = std::make_unique<Running>();
  r->shared->options = impl_->options;
  r->shared->tls = impl_->tls;
  r->shared->dispatch = [impl = impl_.get()](const AdminRequest& req) { return impl->dispatch(req); };
  boost::system::error_code ec;
  auto endpoints = tcp::resolver(r->ioc).resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) throw std::runtime_error("admin: cannot resolve " + where + ": " + ec.message());
  auto endpoint = endpoints.begin()->endpoint();
  r->acceptor.open(endpoint.protocol(), ec);
  if (!ec) r->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) r->acceptor.bind(endpoint, ec);
  if (!ec) r->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("admin: cannot listen on " + where + ": " + ec.message());
  auto bound = r->acceptor.local_endpoint().port();
  accept(*r);
  r->thread = std::thread([ioc = &r->ioc] { ioc->run(); });
  impl_->running = std::move(r);
  return bound;
}

void AdminServer::stop() {
  auto& r = impl_->running;
  if (!r) return;
  r->ioc.stop();
  r->thread.join();
  r.reset();  // closes the listener and every connection
}

}  // namespace gangway
