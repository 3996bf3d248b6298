#include <httplib.h>

#include "deploy/demo_backend/routes.hpp"
#include "deploy/demo_backend/winkr_api.hpp"

namespace demo {

// Path ids are captured loosely and checked by the api (400 for anything
// outside [A-Za-z0-9_-]). Winkr users log in at the shared /api/v1/auth/login.
void add_winkr_routes(httplib::Server& server, WinkrApi& api) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;

  server.Get(R"(/internal/winkr/conversations/([^/]+)/access/([^/]+))",
             [&api](Req req, Res res) { send(res, api.access(req.matches[1].str(), req.matches[2].str())); });

  server.Get("/api/winkr/v1/conversations",
             [&api](Req req, Res res) { send(res, api.list_conversations(bearer_token(req))); });
  server.Post("/api/winkr/v1/conversations",
              [&api](Req req, Res res) { send(res, api.open_conversation(bearer_token(req), req.body)); });
  server.Get(R"(/api/winkr/v1/conversations/([^/]+)/messages)", [&api](Req req, Res res) {
    send(res, api.list_messages(bearer_token(req), req.matches[1].str()));
  });
  server.Post(R"(/api/winkr/v1/conversations/([^/]+)/messages)", [&api](Req req, Res res) {
    send(res, api.send_message(bearer_token(req), req.matches[1].str(), req.body));
  });
  server.Post(R"(/api/winkr/v1/conversations/([^/]+)/messages/([^/]+)/read)", [&api](Req req, Res res) {
    send(res, api.read_message(bearer_token(req), req.matches[1].str(), req.matches[2].str()));
  });
  server.Delete(R"(/api/winkr/v1/conversations/([^/]+)/messages/([^/]+))", [&api](Req req, Res res) {
    send(res, api.delete_message(bearer_token(req), req.matches[1].str(), req.matches[2].str()));
  });
  server.Post(R"(/api/winkr/v1/conversations/([^/]+)/messages/([^/]+)/delivered)", [&api](Req req, Res res) {
    send(res, api.delivered(bearer_token(req), req.matches[1].str(), req.matches[2].str()));
  });
  server.Post(R"(/api/winkr/v1/conversations/([^/]+)/unread)",
              [&api](Req req, Res res) { send(res, api.unread(bearer_token(req), req.matches[1].str())); });
}

}  // namespace demo
