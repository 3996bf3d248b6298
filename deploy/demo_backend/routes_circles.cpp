#include <httplib.h>

#include "deploy/demo_backend/circles_api.hpp"
#include "deploy/demo_backend/circles_internal.hpp"
#include "deploy/demo_backend/routes.hpp"

namespace demo {

// Ids are captured loosely and checked by the logic (404 for anything that is
// not a decimal id), rather than answered 404 by a strict pattern.
void add_circles_routes(httplib::Server& server, CirclesApi& api, CirclesInternal& internal) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;

  server.Post("/api/v1/circles/auth/login", [&api](Req req, Res res) { send(res, api.login(req.body)); });
  server.Get("/api/v1/circles/me", [&api](Req req, Res res) { send(res, api.me(bearer_token(req))); });
  server.Get("/api/v1/dms", [&api](Req req, Res res) { send(res, api.list_threads(bearer_token(req))); });
  server.Post("/api/v1/dms/requests", [&api](Req req, Res res) {
    send(res, api.request_thread(bearer_token(req), req.body));
  });
  server.Post(R"(/api/v1/dms/([^/]+)/accept)", [&api](Req req, Res res) {
    send(res, api.accept(bearer_token(req), req.matches[1].str()));
  });
  server.Post(R"(/api/v1/dms/([^/]+)/messages)", [&api](Req req, Res res) {
    send(res, api.post_message(bearer_token(req), req.matches[1].str(), req.body));
  });
  server.Post(R"(/api/v1/dms/([^/]+)/read)", [&api](Req req, Res res) {
    send(res, api.mark_read(bearer_token(req), req.matches[1].str()));
  });
  server.Get(R"(/api/v1/dms/([^/]+)/messages)", [&api](Req req, Res res) {
    send(res, api.list_messages(bearer_token(req), req.matches[1].str()));
  });
  server.Post(R"(/api/v1/dms/([^/]+)/messages/([^/]+)/reactions)", [&api](Req req, Res res) {
    send(res, api.react(bearer_token(req), req.matches[1].str(), req.matches[2].str(), req.body));
  });
  server.Post(R"(/api/v1/places/([^/]+)/checkins)", [&api](Req req, Res res) {
    send(res, api.check_in(bearer_token(req), req.matches[1].str()));
  });

  server.Get(R"(/internal/circles/dms/([^/]+)/access/([^/]+))", [&internal](Req req, Res res) {
    send(res, internal.dm_access(req.matches[1].str(), req.matches[2].str()));
  });
  server.Get(R"(/internal/circles/places/([^/]+)/checkins/([^/]+))", [&internal](Req req, Res res) {
    send(res, internal.place_checkin(req.matches[1].str(), req.matches[2].str(),
                                     req.get_param_value("window_hours")));
  });
}

}  // namespace demo
