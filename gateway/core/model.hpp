#pragma once
// The dialect-neutral model that adapters translate to and from.
// Actions flow client -> core; Events flow core/NATS -> clients.
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/room.hpp"

namespace gangway {

using Json = nlohmann::json;
using Params = std::map<std::string, std::string, std::less<>>;
// Claims a socket keeps after the upgrade: only those the app's request
// templates and sender profile name ({claim:name}), as JSON text by claim
// name ("\"Maya\"", "8", "true"). Empty (no allocation) for apps that name none.
using Claims = std::vector<std::pair<std::string, std::string>>;

// The JSON text of claim `name`, or nullptr if the socket did not keep it.
const std::string* find_claim(const Claims& claims, std::string_view name);

// Who is on the socket, after authentication. Only these fields outlive the
// upgrade: the token's other claims (or the session callout's body) are read
// once, while authenticating, and dropped, but for the few the app's
// templates name (SessionInfo::claims).
struct Principal {
  std::string id;        // user id: the token's user claim (or what the session callout returned)
  std::string name;      // display name (the first configured name claim present), else empty
  std::string username;  // login handle (the username claim), else the display name
  bool admin = false;    // the app's config marks this user as an administrator
  // Unix seconds from which the credential no longer verifies (a JWT's `exp`
  // plus the app's leeway); the socket is closed then. 0: no end is known
  // (a session cookie, a token without `exp`).
  std::int64_t expires_at = 0;
};

// Read-only view of one session, handed to the adapter on its loop.
struct SessionInfo {
  std::string app;
  std::string conn_id;
  Principal user;
  Params params;  // from the route template, e.g. {"thread_id": "2"}
  Json context;   // bodies returned by the open callouts, keyed by callout name
  Claims claims;  // the claims the app's templates name (AppRuntime::kept_claims)
};

// Who must not receive an event (seed 002's "excludes the sender").
struct Exclude {
  std::string user;
  std::string conn;
  bool empty() const { return user.empty() && conn.empty(); }
};

// One event to deliver to a room. The NATS body on gw.out.… is
// {"event": name, "data": {...}, "exclude": {"user": …, "conn": …}}
// or {"frame": {...}} which is forwarded unchanged.
struct Event {
  std::string name;  // message.new, typing, presence, read, reaction, deleted, notification, ...
  Json data = Json::object();
  Exclude exclude;
  std::optional<Json> frame;
};

// How much deeper than max_json_depth() a gw.out body may nest: its envelope's
// one level. The data an event carries is a payload the gateway read within
// the bound (a store's answer) or built from one and no deeper (winkr's
// {"message": {… "metadata"}} from a frame's {"data": {… "metadata"}}), so
// whatever a gateway publishes, every gateway reads.
inline constexpr std::size_t kEventEnvelopeLevels = 1;

// Parses a gw.out body; nullopt if it is not a JSON object of either shape,
// or nests deeper than max_json_depth() + kEventEnvelopeLevels.
std::optional<Event> parse_event(std::string_view body);
std::string serialize_event(const Event& e);

// The errors an adapter renders in its own dialect.
enum class ErrorCode {
  invalid_json,         // not JSON, or not an object
  unknown_type,         // event/type the dialect does not know
  missing_field,        // a required field is absent
  invalid_field,        // wrong type or value
  invalid_id,           // an id with characters outside [A-Za-z0-9_-] or too long
  too_large,            // frame or content over the limit
  binary_frame,         // binary where the dialect speaks text
  invalid_utf8,         // text frame that is not UTF-8
  forbidden,            // the backend said no
  not_found,            // an authorization callout answered 404: the conversation does not exist
  not_joined,           // acting on a room the socket has not joined
  rate_limited,         // a per-user limit was hit
  unavailable,          // backend or NATS down / timed out (fail closed)
  store_failed,         // a persisted message could not be stored
  store_not_found,      // the store answered 404: the conversation or message does not exist
  store_invalid,        // the store refused the data (400, 422): the dialect's validation error
  internal,
};
std::string_view to_string(ErrorCode c);
// to_string() for dialects without a not-found or validation code of their
// own: not_found reads "forbidden" (the client is not told what exists),
// store_not_found and store_invalid "store_failed".
std::string_view public_code(ErrorCode c);

struct DialectError {
  ErrorCode code;
  std::string detail;         // human-readable, never contains secrets
  std::string field;          // the offending field, if any
  std::string request_event;  // the client's event/type, if known
};

// A backend (or NATS) check, named in the app's config under "callouts".
struct CalloutCall {
  std::string name;  // e.g. "conversation_participant"
  Params params;     // template parameters; user_id is always added by the core
};

// What a client frame asks for.
struct Action {
  enum class Type {
    reply,        // only send `reply` back (ping/pong)
    subscribe,    // join `room` (after `authorize`), then send `reply`
    unsubscribe,  // leave `room`, then send `reply`
    publish,      // send `kind`+`data` on gw.in, and/or fan `fanout` out to `room`
    query,        // ask the core (`query`); the adapter renders the answer (Adapter::render_query)
    ignore,       // nothing to do (the dialect says to drop it silently)
  };
  Type type = Type::ignore;
  std::string request_event;  // the client's event name, echoed in errors
  std::string kind;           // publish kind: message, typing, read, reaction, presence, …
  // What a query asks, about `room`, cluster-wide:
  //   online_users  the users with a socket in the room
  //   user_online   whether user `room.id` has a socket (room kind "user")
  enum class Query { online_users, user_online };
  Query query = Query::online_users;
  RoomKey room;
  Json data = Json::object();           // normalised payload for the gw.in envelope
  std::optional<CalloutCall> authorize;  // must allow before anything happens
  bool require_joined = false;           // the socket must already be in `room`
  // Store per the app's config before fanning out; the stored message then
  // replaces fanout->data: JetStream adds {"id": <envelope id>, "created_at":
  // <ISO-8601>} to `data`; request/reply and HTTP use the object the backend answered.
  bool persist = false;
  std::optional<Event> fanout;           // delivered to `room` through gw.out (after storing, if persist)
  std::string reply;                     // frame sent to this socket on success
  // A JSON pointer into the `authorize` callout's answer: when the value
  // there is `true`, `fanout` is not published (pythia: a member's join is
  // the REST service's to announce). On an unsubscribe the answer decides
  // only that; the socket leaves the room whatever it says.
  std::string quiet_if;
  // The client's frame as sent, parsed: set by the session for a persisted
  // kind when the app's store templates read it ({frame:…}); else null.
  Json frame;

  // Presence announcements: publish only on the user's first socket (online)
  // or once their last socket is gone (offline), cluster-wide.
  enum class Presence { none, online, offline };
  Presence presence = Presence::none;
};

}  // namespace gangway
