#include <httplib.h>

#include "deploy/demo_backend/routes.hpp"
#include "deploy/demo_backend/tribe_api.hpp"

namespace demo {

// Path ids are captured loosely and checked by the api (400 for anything
// outside [A-Za-z0-9_-]), rather than answered 404 by a strict pattern.
void add_tribe_routes(httplib::Server& server, TribeApi& api) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;

  server.Post("/api/v1/auth/login", [&api](Req req, Res res) { send(res, api.login(req.body)); });
  server.Post("/api/v1/auth/logout", [&api](Req req, Res res) { send(res, api.logout(bearer_token(req))); });
  server.Get("/api/v1/users/me", [&api](Req req, Res res) { send(res, api.me(bearer_token(req))); });
  server.Post("/api/v1/conversations",
              [&api](Req req, Res res) { send(res, api.create_conversation(bearer_token(req), req.body)); });
  server.Get("/api/v1/conversations",
             [&api](Req req, Res res) { send(res, api.list_conversations(bearer_token(req))); });
  server.Post(R"(/api/v1/conversations/([^/]+)/messages)", [&api](Req req, Res res) {
    send(res, api.post_message(bearer_token(req), req.matches[1].str(), req.body));
  });
  server.Get(R"(/api/v1/conversations/([^/]+)/messages)", [&api](Req req, Res res) {
    send(res, api.list_messages(bearer_token(req), req.matches[1].str()));
  });
  server.Get(R"(/internal/tribe/conversations/([^/]+)/participants/([^/]+))", [&api](Req req, Res res) {
    send(res, api.participant(req.matches[1].str(), req.matches[2].str()));
  });
}

}  // namespace demo
