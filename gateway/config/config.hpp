#pragma once
// The gateway's configuration: a JSON file (docs/configuration.md), with a few
// environment overrides for container deployments. Loading validates
// everything; a bad config is a clear startup error, never a runtime surprise.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/admin/admin_options.hpp"
#include "gateway/auth/jwt_verifier.hpp"
#include "gateway/backend/callout_client.hpp"
#include "gateway/bus/nats_security.hpp"
#include "gateway/core/delivery_limits.hpp"
#include "gateway/core/result.hpp"
#include "gateway/proxy/options.hpp"
#include "gateway/tls/tls_options.hpp"

namespace gangway {

// The most limits.max_queued_frames may be: each queued action holds its decoded frame.
inline constexpr std::int64_t kMaxQueuedFrames = 4096;

// 0 (or absent) means "the dialect's default, else the gateway's" (see effective_limits()).
struct Limits {
  std::size_t max_frame_bytes = 0;     // larger client frames close the socket with 1009 (default 64 KiB)
  std::size_t max_queued_bytes = 0;    // per-socket write queue; overflow drops the slow consumer (1 MiB)
  std::size_t max_queued_frames = 0;   // per socket, waiting behind an action in flight; full: reading pauses (64)
  int idle_timeout_s = 0;              // no traffic for this long closes; a ping goes out at half (60)
  int handshake_timeout_s = 0;         // HTTP upgrade + authentication must finish within this (30)
  int max_connections_per_user = 0;    // per app, cluster-wide; 0: unlimited
  int connections_per_minute = 0;      // upgrade attempts per user per minute, cluster-wide; 0: unlimited
  std::map<std::string, std::vector<std::pair<int, int>>> rates;  // kind -> [(count, window_s)], per user
};

// How a persisted kind is stored before it is fanned out.
struct PersistSpec {
  enum class Via { jetstream, request, http };
  Via via = Via::jetstream;
  std::string subject;  // request: the worker's subject (default: the gw.in subject itself)
  std::string callout;  // http: a callout name, whose request template builds the request
  std::chrono::milliseconds timeout{5000};
  // request, http: a JSON pointer into the event the dialect fans out where
  // the stored object goes ("/message" for winkr's message:new); "" replaces
  // the event's data.
  std::string into;
  // "fan_out": "backend": the store itself publishes the event on gw.out (a
  // REST endpoint that publishes, as it must for its own REST clients), so
  // the gateway publishes nothing there (it would be a duplicate) and only
  // answers the sender. Default "gateway": the gateway fans the stored object out.
  bool backend_fans_out = false;
};

// Where the sender of a stored message's event gets its fields (seed 000's
// sender_info, seed 004's sender): "id", "name", "username", "avatar_url".
// By default the user's id, display name and username, and a null avatar;
// `claims` names a claim for a field, a `callout` answer's `pointers` win
// over both (docs/configuration.md, "The sender of a stored message").
struct SenderProfile {
  std::map<std::string, std::string> claims;    // field -> claim name (or /pointer), e.g. avatar_url -> picture
  std::string callout;                          // "": no profile callout
  std::map<std::string, std::string> pointers;  // field -> JSON pointer into the callout's answer
};

// Cookie authentication (seed 003): a callout that receives the Cookie header.
struct SessionAuth {
  std::string cookie;   // the session cookie's name; a request without it is refused at once
  std::string callout;  // its 2xx body identifies the user
  std::string user_pointer = "/user_id";
  std::string name_pointer = "/username";
  std::string username_pointer = "/username";  // absent: the name
};

// permessage-deflate (RFC 7692) for clients that offer it. Each message is
// compressed on its own (server_no_context_takeover), once per event for all
// sockets that negotiated it; clients' compressed frames are inflated.
struct Compression {
  bool enabled = false;
  std::uint32_t min_bytes = 256;  // smaller frames go out uncompressed: they barely shrink
  int level = 6;                  // zlib: 1 fastest … 9 smallest
};

struct AppConfig {
  std::string name;     // subject token: [a-z0-9_-]
  std::string dialect;  // a name in adapters/registry.cpp
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::optional<tls::TlsOptions> tls;  // wss: clients connect over TLS
  std::vector<std::string> routes;  // path templates, e.g. "/api/v1/ws"
  auth::JwtPolicy jwt;
  std::vector<std::string> token_sources;  // "query:<name>", "bearer"; defaults from the dialect
  std::vector<std::string> allowed_origins;  // empty: any Origin (token auth); "*" explicitly any
  std::string backend_url;
  std::string backend_ca_file;  // https: CAs (PEM) trusted for the backend; empty: the system trust store
  unsigned backend_threads = 4;
  std::size_t backend_queue = 1024;  // callouts waiting for a worker; beyond it they fail closed at once
  backend::BreakerOptions backend_breaker;
  std::map<std::string, backend::CalloutSpec, std::less<>> callouts;
  Limits limits;
  Compression permessage_deflate;
  proxy::Options passthrough;  // requests that are not upgrades on `routes`, to the backend
  std::map<std::string, PersistSpec> persist;  // by publish kind
  std::optional<SessionAuth> session;          // cookie authentication instead of a JWT
  std::string admin_pointer;                   // JSON pointer into the claims/session body: true = admin
  SenderProfile sender;
  Json options = Json::object();               // dialect settings, read by the dialect's factory (adapters/registry.hpp)
};

struct NatsConfig {
  bool enabled = true;  // false: an in-process bus (single node, no NATS)
  std::string url = "nats://127.0.0.1:4222";
  std::string subject_prefix = "gw";
  // Room kinds received through one wildcard subscription per app instead of
  // one per room: far less memory for per-socket rooms, but every gateway
  // also receives (and drops) the other gateways' messages for them.
  std::vector<std::string> wildcard_rooms = {"conn", "user"};
  // What stored messages' publishes may keep while the bus is down (the
  // outbox, gateway/bus/outbox.hpp); past it they are dropped and counted.
  std::size_t outbox_bytes = 64 * 1024 * 1024;
  // How the gateway authenticates (user/password, token, NKey or a .creds
  // file) and checks the server (TLS): both of its connections use them.
  // Secrets are resolved here, from the file, `*_env` or `*_file` keys.
  bus::NatsAuth auth;
  bus::NatsTls tls;
};

// A secret's environment variable that was not set when the config was read
// with Secrets::deferred (--check-config): the secret was left empty.
struct UnsetVariable {
  std::string variable;  // e.g. GANGWAY_JWT_SECRET
  std::string key;       // the key that names it, e.g. config.apps[0].jwt.keys[0].secret_env
};

// The phases of a drain on SIGTERM (docs/deployment.md, "Stopping"), in
// whole seconds from the signal: /readyz fails at once; upgrades are still
// accepted and no socket is closed until `refuse_after`; then the listeners
// close and the sockets are closed with 1001, spread evenly until
// `grace - flush`; the last `flush` is for stores in flight, the outbox and
// close handshakes; the gateway exits before `grace`.
struct DrainOptions {
  std::chrono::seconds grace{25};
  std::chrono::seconds refuse_after{5};
  std::chrono::seconds flush{5};
};

struct Config {
  std::string gateway_id;  // defaults to "gw-<hostname>-<pid>" (sanitised to a subject token)
  unsigned threads = 0;    // I/O loops; 0 = one per core
  std::size_t max_json_depth = 128;  // every JSON read (frames, events, answers) nests at most this deep
  NatsConfig nats;
  std::string admin_host = "127.0.0.1";
  std::uint16_t admin_port = 0;  // 0: no admin listener
  AdminOptions admin;
  std::optional<tls::TlsOptions> admin_tls;  // https, and with client_ca_file mutual TLS
  DeliveryLimits delivery;  // each loop's backlog of gw.out events under overload
  // The admin API's bearer secret (admin.bearer_token_env / _file); empty:
  // its routes answer 401 to everyone. Never logged.
  std::string admin_bearer_token;
  DrainOptions drain;
  std::vector<AppConfig> apps;
  std::vector<UnsetVariable> unset_env;  // Secrets::deferred only
};

// Why `drain` cannot be used, or empty (also checked after the environment's overrides).
std::string drain_problem(const DrainOptions& drain);


// How a secret's unset environment variable is taken: `required` (to serve)
// fails; `deferred` (--check-config, which runs where the secrets are not)
// leaves the secret empty and lists the variable in Config::unset_env. Those
// empty secrets are not checked (Gateway::check) and must never be served.
enum class Secrets { required, deferred };

// Parses and validates; each error names the offending key, one per line:
// a JSON syntax error with its line and column, every unknown key (with the
// nearest known one), else the first invalid value.
Result<Config, std::string> parse_config(std::string_view json_text, Secrets secrets = Secrets::required);
Result<Config, std::string> load_config(const std::string& path, Secrets secrets = Secrets::required);

// The keys the parser accepts, by documented path: "gateway_id",
// "apps[].jwt.keys[].alg", "apps[].callouts.*.path" (`*`: a name the config
// chooses). They are the keys it looked up while parsing `json_text`: it
// looks up every key of each object it reads, given or not, so a config with
// every section (tests/config/full_config.json) yields them all.
// `absent_sections` names the sections it looked for that `json_text` lacks
// (their own keys are then missing). For the test that keeps
// docs/configuration.md in step with the parser.
struct AcceptedKeys {
  std::set<std::string> keys;
  std::set<std::string> absent_sections;
  std::string error;  // the parse failed: the keys are incomplete
};
AcceptedKeys accepted_config_keys(std::string_view json_text);

// GANGWAY_NATS_URL, GANGWAY_GATEWAY_ID, GANGWAY_THREADS, GANGWAY_LISTEN_HOST
// (every app's host), GANGWAY_ADMIN_HOST and GANGWAY_DRAIN_GRACE_S (drain.grace_s,
// as Helm's shutdown.drainSeconds sets it) override the file.
void apply_env_overrides(Config& c);

}  // namespace gangway
