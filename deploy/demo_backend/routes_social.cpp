#include <httplib.h>

#include "deploy/demo_backend/routes.hpp"
#include "deploy/demo_backend/social_api.hpp"

namespace demo {

namespace {

void send_social(httplib::Response& res, const HttpReply& reply) {
  if (reply.status == 204) {
    res.status = 204;  // no body at all, as RFC 9110 asks
    return;
  }
  send(res, reply);
}

gangway::Params query_of(const httplib::Request& req) {
  gangway::Params q;
  for (const auto& [k, v] : req.params) q.emplace(k, v);  // the first of repeated keys wins
  return q;
}

std::string cookie_of(const httplib::Request& req) { return req.get_header_value("Cookie"); }

}  // namespace

void add_social_routes(httplib::Server& server, SocialApi& api) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;

  server.Post("/api/login", [&api](Req req, Res res) {
    std::string session;
    HttpReply reply = api.login(req.get_header_value("Content-Type"), req.body, session);
    if (!session.empty())
      res.set_header("Set-Cookie",
                     std::string(SocialApi::kCookie) + "=" + session + "; Path=/; HttpOnly; SameSite=Lax");
    send_social(res, reply);
  });
  server.Post("/api/logout", [&api](Req req, Res res) {
    res.set_header("Set-Cookie",
                   std::string(SocialApi::kCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    send_social(res, api.logout(cookie_of(req)));
  });
  server.Get("/api/messages/private", [&api](Req req, Res res) {
    send_social(res, api.private_messages(cookie_of(req), query_of(req)));
  });
  server.Get("/api/messages/group", [&api](Req req, Res res) {
    send_social(res, api.group_messages(cookie_of(req), query_of(req)));
  });
  server.Post("/api/messages/private",
              [&api](Req req, Res res) { send_social(res, api.post_private(cookie_of(req), req.body)); });
  server.Post("/api/messages/group",
              [&api](Req req, Res res) { send_social(res, api.post_group(cookie_of(req), req.body)); });
  server.Post("/api/groups/invite",
              [&api](Req req, Res res) { send_social(res, api.invite(cookie_of(req), req.body)); });
  server.Get("/api/notifications", [&api](Req req, Res res) {
    send_social(res, api.notifications(cookie_of(req), query_of(req)));
  });
  server.Post("/api/notifications/read",
              [&api](Req req, Res res) { send_social(res, api.mark_read(cookie_of(req))); });

  server.Get("/internal/social/session",
             [&api](Req req, Res res) { send_social(res, api.session(cookie_of(req))); });
  server.Get(R"(/internal/social/groups/([^/]+)/members/([^/]+))", [&api](Req req, Res res) {
    send_social(res, api.group_member(req.matches[1].str(), req.matches[2].str()));
  });
  server.Get(R"(/internal/social/users/([^/]+)/groups)",
             [&api](Req req, Res res) { send_social(res, api.user_groups(req.matches[1].str())); });
  server.Post("/internal/social/notifications",
              [&api](Req req, Res res) { send_social(res, api.notify(req.body)); });
}

}  // namespace demo
