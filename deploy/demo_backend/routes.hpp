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
class NatsPublisher;

// GET /healthz (the process answers), GET /readyz (200 once connected to NATS,
// 503 before: every write publishes, and answers 503 without it), JSON 404s for unknown paths, a JSON 500 for exceptions, a
// request log line on stderr (method, path, status — never headers or bodies),
// and a body size limit.
void add_common_routes(httplib::Server& server, const NatsPublisher& bus);

// The browser demo (deploy/demo-page): `dir` served at /demo/, and / and /demo
// redirected there. The page calls the REST routes from the same origin, so it
// needs no CORS. False if `dir` is not a directory.
bool add_demo_page(httplib::Server& server, const std::string& dir);

// Seed 002 ("tribe"): /api/v1/... and /internal/tribe/...
void add_tribe_routes(httplib::Server& server, TribeApi& api);

class WinkrApi;
// Seed 004 ("winkr"): /api/winkr/v1/... and /internal/winkr/...
void add_winkr_routes(httplib::Server& server, WinkrApi& api);

class SocialApi;
// Seed 003 ("social"): /api/login, /api/messages/..., /api/groups/invite,
// /api/notifications... and /internal/social/...
void add_social_routes(httplib::Server& server, SocialApi& api);

class CirclesApi;
class CirclesInternal;
// Seed 000 ("circles"): /api/v1/circles/auth/login, /api/v1/dms/..., /api/v1/places/...
// and /internal/circles/...
void add_circles_routes(httplib::Server& server, CirclesApi& api, CirclesInternal& internal);

class PythiaApi;
// Seed 001 ("pythia"): /api/v1/channels/..., /api/v1/messages/... and /internal/pythia/...
void add_pythia_routes(httplib::Server& server, PythiaApi& api);

// Shared by the route files.
void send(httplib::Response& res, const HttpReply& reply);
// The token of "Authorization: Bearer <token>", or "" if there is none.
std::string bearer_token(const httplib::Request& req);

}  // namespace demo
