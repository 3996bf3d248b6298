#include "gateway/app/admin_api.hpp"

#include <algorithm>

#include "gateway/core/json_parse.hpp"
#include "gateway/core/route.hpp"
#include "gateway/session/disconnects.hpp"

namespace gangway {

namespace {

AdminResponse json_answer(int status, const Json& body) {
  return {status, "application/json", body.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n", {}};
}

AdminResponse error(int status, const std::string& why) { return json_answer(status, {{"error", why}}); }

bool known_app(const AdminApi& api, const std::string& app) {
  return std::find(api.apps.begin(), api.apps.end(), app) != api.apps.end();
}

}  // namespace

AdminResponse list_connections(const AdminApi& api, const AdminRequest& req) {
  Params query = parse_target("/?" + std::string(req.query)).query;
  const std::string app = query.count("app") ? query["app"] : "";
  const std::string user = query.count("user") ? query["user"] : "";
  if (app.empty() || user.empty()) return error(400, "give app and user: ?app=<app>&user=<id>");
  if (!is_valid_id(user)) return error(400, "user must be 1 to 128 of [A-Za-z0-9_-]");
  if (!known_app(api, app)) return error(404, "no app named " + app);
  Json connections = Json::array();
  for (auto& s : api.presence->sockets(app, {"user", user}, user))
    connections.push_back({{"conn", std::move(s.conn)}, {"gateway", std::move(s.gateway)}});
  return json_answer(200, {{"app", app}, {"user", user}, {"connections", std::move(connections)}});
}

AdminResponse disconnect(const AdminApi& api, const AdminRequest& req) {
  Json body = parse_json(req.body);
  if (!body.is_object()) return error(400, "the body must be a JSON object: {\"app\", \"user\" | \"conn\", \"reason\"?}");
  auto text = [&](const char* key) -> std::string {
    auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : "";
  };
  const std::string app = text("app"), user = text("user"), conn = text("conn");
  if (app.empty()) return error(400, "app is missing (a string)");
  if (user.empty() == conn.empty()) return error(400, "give either user or conn (a string)");
  const std::string& id = user.empty() ? conn : user;
  if (!is_valid_id(id))
    return error(400, user.empty() ? "conn must be 1 to 128 of [A-Za-z0-9_-]" : "user must be 1 to 128 of [A-Za-z0-9_-]");
  if (body.contains("reason") && !body["reason"].is_string()) return error(400, "reason must be a string");
  if (!known_app(api, app)) return error(404, "no app named " + app);
  auto subject = api.subjects.disconnect(app, user.empty() ? "conn" : "user", id);
  if (api.bus->publish(subject, Disconnects::body(text("reason"))) != bus::BusError::ok)
    return error(503, "NATS is unavailable: nothing was disconnected");
  return json_answer(202, {{"subject", subject}});
}

void add_admin_api(AdminServer& server, AdminApi api) {
  auto shared = std::make_shared<const AdminApi>(std::move(api));
  using Access = AdminServer::Access;
  server.add_route("GET", "/api/v1/connections",
                   [shared](const AdminRequest& req) { return list_connections(*shared, req); }, Access::authenticated);
  server.add_route("POST", "/api/v1/disconnect",
                   [shared](const AdminRequest& req) { return disconnect(*shared, req); }, Access::authenticated);
}

}  // namespace gangway
