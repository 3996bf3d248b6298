#pragma once
// Binding each seed's logic to HTTP paths. One routes_<seed>.cpp per seed;
// main.cpp lists them explicitly. httplib stays out of this header.
#include <string>

#include "deploy/demo_backend/http_reply.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace demo {

class TribeApi;

// GET /healthz, JSON 404s for unknown paths, a JSON 500 for exceptions, a
// request log line on stderr (method, path, status — never headers or bodies),
// and a body size limit.
void add_common_routes(httplib::Server& server);

// Seed 002 ("tribe"): /api/v1/... and /internal/tribe/...
void add_tribe_routes(httplib::Server& server, TribeApi& api);

// Shared by the route files.
void send(httplib::Response& res, const HttpReply& reply);
// The token of "Authorization: Bearer <token>", or "" if there is none.
std::string bearer_token(const httplib::Request& req);

}  // namespace demo
