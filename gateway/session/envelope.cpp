#include "gateway/session/envelope.hpp"

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"

namespace gangway {

Json envelope(const Action& a, const SessionInfo& self, std::string_view gateway_id, const std::string& id) {
  return {{"id", id},
          {"app", self.app},
          {"kind", a.kind},
          {"room", {{"kind", a.room.kind}, {"id", a.room.id}}},
          {"user", {{"id", self.user.id}, {"name", self.user.name}}},
          {"conn", self.conn_id},
          {"gateway", gateway_id},
          {"received_at", iso8601_now()},
          {"data", a.data}};
}

// Written out member by member: every socket publishes two of these, and as a
// JSON document (a map per object) building one cost about as much as
// verifying the socket's token. The ids are plain tokens ([A-Za-z0-9_-]:
// is_valid_id, checked at config load and before a socket opens), so only
// the display name needs JSON escaping.
std::string lifecycle_body(const SessionInfo& self, std::string_view gateway_id, std::string_view extra_members) {
  std::string body = "{\"id\":\"";
  body += new_uuid();
  body += "\",\"app\":\"";
  body += self.app;
  body += "\",\"user\":{\"id\":\"";
  body += self.user.id;
  body += "\",\"name\":";
  body += Json(self.user.name).dump();
  body += "},\"conn\":\"";
  body += self.conn_id;
  body += "\",\"gateway\":\"";
  body += gateway_id;
  body += "\",\"at\":\"";
  body += iso8601_now();
  body += '"';
  body += extra_members;
  body += '}';
  return body;
}

}  // namespace gangway
