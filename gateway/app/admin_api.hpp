#pragma once
// The admin API on the admin port (docs/configuration.md, "The admin API"),
// every route authenticated (AdminServer::Access::authenticated):
//   GET  /api/v1/connections?app=<app>&user=<id>
//        200 {"app", "user", "connections": [{"conn", "gateway"}, …]}: the
//        user's sockets on every gateway, from presence (its user room).
//   POST /api/v1/disconnect  {"app", "user" | "conn", "reason"?}
//        202 {"subject"}: the disconnect is published on the control subject
//        (session/disconnects.hpp), so every gateway closes the sockets it holds.
// Bad requests answer 400 and an unknown app 404, with {"error": "…"}; a
// publish NATS refuses (disconnected) answers 503.
#include <string>
#include <vector>

#include "gateway/admin/admin_server.hpp"
#include "gateway/bus/bus.hpp"
#include "gateway/core/subject.hpp"
#include "gateway/presence/presence.hpp"

namespace gangway {

struct AdminApi {
  bus::Bus* bus = nullptr;  // the connection that echoes: this gateway's own sockets are closed too
  Presence* presence = nullptr;
  Subjects subjects;
  std::vector<std::string> apps;  // the configured app names
};

// Adds the routes (before AdminServer::start). What `api` points to outlives the server.
void add_admin_api(AdminServer& server, AdminApi api);

// The handlers themselves, on the admin thread (for tests).
AdminResponse list_connections(const AdminApi& api, const AdminRequest& req);
AdminResponse disconnect(const AdminApi& api, const AdminRequest& req);

}  // namespace gangway
