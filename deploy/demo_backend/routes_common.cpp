#include <httplib.h>

#include <cctype>
#include <cstdio>
#include <exception>
#include <string_view>

#include "deploy/demo_backend/publisher.hpp"
#include "deploy/demo_backend/routes.hpp"

namespace demo {

void send(httplib::Response& res, const HttpReply& reply) {
  res.status = reply.status;
  if (reply.status == 401) res.set_header("WWW-Authenticate", "Bearer");
  res.set_content(reply.body.dump(-1, ' ', false, gangway::Json::error_handler_t::replace),
                  "application/json");
}

std::string bearer_token(const httplib::Request& req) {
  std::string h = req.get_header_value("Authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (h.size() <= scheme.size()) return "";
  // The scheme name is case-insensitive (RFC 7235).
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(h[i])) != std::tolower(static_cast<unsigned char>(scheme[i])))
      return "";
  return h.substr(scheme.size());
}

void add_common_routes(httplib::Server& server, const NatsPublisher& bus) {
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    send(res, {200, gangway::Json{{"status", "ok"}}});
  });
  server.Get("/readyz", [&bus](const httplib::Request&, httplib::Response& res) {
    if (bus.connected()) return send(res, {200, gangway::Json{{"status", "ready"}}});
    send(res, {503, gangway::Json{{"status", "not ready"}, {"detail", "not connected to NATS yet"}}});
  });
  server.set_payload_max_length(1 << 20);
  // httplib calls this for every status >= 400, including ours: only fill in
  // answers that have no body yet (unknown path, wrong method, too large).
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        send(res, error_reply(res.status, res.status == 404 ? "Not Found" : "Request refused"));
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        std::fprintf(stderr, "demo backend: %s %s failed: %s\n", req.method.c_str(), req.path.c_str(),
                     what.c_str());
        send(res, error_reply(500, "Internal server error"));
      });
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    std::fprintf(stderr, "demo backend: %s %s %d\n", req.method.c_str(), req.path.c_str(), res.status);
  });
}

bool add_demo_page(httplib::Server& server, const std::string& dir) {
  if (!server.set_mount_point("/demo", dir)) return false;
  auto to_page = [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/demo/"); };
  server.Get("/", to_page);
  server.Get("/demo", to_page);
  return true;
}

}  // namespace demo
