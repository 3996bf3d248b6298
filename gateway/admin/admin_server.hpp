#pragma once
// The admin listener: /healthz (the process serves), /readyz (ready for
// traffic, else 503 with the reason), /metrics, and routes added by other
// parts (issue 26's admin API), each open or behind authentication.
//
// Boost.Beast on an io_context and thread of its own, never the gateway's
// loops: a slow admin client cannot stall a socket, nor the reverse. Many
// connections at once, each with a deadline for its request and for idling
// between requests; a cap on connections (one more is answered 503 and
// closed); requests too large are answered 431 / 414 / 413 and closed.
// Limits: AdminOptions (admin_options.hpp).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/admin/admin_options.hpp"
#include "gateway/admin/metrics.hpp"
#include "gateway/tls/server_tls.hpp"

namespace gangway {

// A request as a handler sees it; the views live until the handler returns.
struct AdminRequest {
  std::string_view method;  // "GET"; a GET route also serves HEAD (without the body)
  std::string_view path;    // the target up to '?'
  std::string_view query;   // after '?', still percent-encoded
  std::string_view body;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view header(std::string_view name) const;  // case-insensitive; "" if absent
  // The subject (RFC 2253) of the client's certificate, verified against
  // admin.tls.client_ca_file; "" without one (plain HTTP, or no client CA).
  std::string_view client_subject;
};

struct AdminResponse {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // more headers, e.g. WWW-Authenticate
};

// Run on the admin thread, one request at a time: they must not block.
using AdminHandler = std::function<AdminResponse(const AdminRequest&)>;
// Whether a request may use an authenticated route (a bearer secret, or the
// TLS client certificate: AdminRequest::client_subject). Runs on the admin thread.
using AdminAuthenticator = std::function<bool(const AdminRequest&)>;
// nullopt when ready; otherwise why not, shown in /readyz's 503 body
// ("not ready: <reason>"). Runs on the admin thread, so it must be cheap.
using ReadinessCheck = std::function<std::optional<std::string>()>;

class AdminServer {
 public:
  enum class Access { open, authenticated };

  // `metrics` and whatever `ready` reads must outlive the server.
  AdminServer(Metrics& metrics, ReadinessCheck ready, AdminOptions options = {});
  ~AdminServer();  // stop()
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Before start(). The path matches exactly (no query). An authenticated
  // route answers 401 unless the authenticator accepts the request, and
  // always 401 when there is none (fail closed).
  void add_route(std::string method, std::string path, AdminHandler handler, Access access = Access::open);
  void set_authenticator(AdminAuthenticator authenticate);
  // Before start(): serve HTTPS with `tls`'s certificate (reloaded with it),
  // and require client certificates when it has client CAs.
  void set_tls(std::shared_ptr<tls::ServerTls> tls);

  // Binds host:port (port 0: any free port) and serves on its own thread;
  // returns the bound port. Throws std::runtime_error if it cannot bind or
  // is already serving.
  std::uint16_t start(const std::string& host, std::uint16_t port);
  // Closes the listener and every connection and joins the thread; any
  // thread but the admin one. Idempotent; start() may follow.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gangway
