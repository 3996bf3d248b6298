#include <httplib.h>

#include "deploy/demo_backend/pythia_api.hpp"
#include "deploy/demo_backend/routes.hpp"

namespace demo {

// Seed 001 names "POST /api/v1/messages/" with its trailing slash (FastAPI's
// style); both spellings are served. Path ids are captured loosely and
// checked by the api (400 outside [A-Za-z0-9_-]).
void add_pythia_routes(httplib::Server& server, PythiaApi& api) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;

  server.Get(R"(/api/v1/channels/?)",
             [&api](Req req, Res res) { send(res, api.list_channels(bearer_token(req))); });
  server.Post(R"(/api/v1/channels/([^/]+)/join)", [&api](Req req, Res res) {
    send(res, api.join_channel(bearer_token(req), req.matches[1].str()));
  });
  server.Post(R"(/api/v1/channels/([^/]+)/leave)", [&api](Req req, Res res) {
    send(res, api.leave_channel(bearer_token(req), req.matches[1].str()));
  });
  server.Post(R"(/api/v1/messages/?)",
              [&api](Req req, Res res) { send(res, api.post_message(bearer_token(req), req.body)); });
  server.Post(R"(/api/v1/messages/reactions/?)",
              [&api](Req req, Res res) { send(res, api.react(bearer_token(req), req.body)); });
  server.Get(R"(/internal/pythia/users/([^/]+)/channels)",
             [&api](Req req, Res res) { send(res, api.user_channels(req.matches[1].str())); });
  server.Get(R"(/internal/pythia/channels/([^/]+)/access/([^/]+))", [&api](Req req, Res res) {
    send(res, api.channel_access(req.matches[1].str(), req.matches[2].str()));
  });
}

}  // namespace demo
