#pragma once
// Helpers shared by the config's parsing files (config.cpp, nats_config.cpp,
// callout_config.cpp, config_keys.cpp). Internal to gateway/config:
// parse_config() turns a ConfigError into its Failure; nothing else may see one.
//
// Every key the parser reads goes through get_or(), lookup() or has(), which
// note it in the parse's context: afterwards a key of the file that nothing
// looked up is unknown (a typo such as `limtis`), and the same notes list the
// keys the parser accepts for the documentation test. So a new key needs no
// list of its own; reading it with these helpers is enough (never with
// Json::find, contains or at directly, which would leave it "unknown").
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/config.hpp"

namespace gangway::config_parse {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One parse's notes besides the Config, on the parsing thread (the helpers
// reach it without an argument, so parsing code stays as it reads).
struct ParseContext {
  Secrets secrets = Secrets::required;
  std::map<const Json*, std::set<std::string, std::less<>>> read;      // object -> keys looked up
  std::map<const Json*, std::set<std::string, std::less<>>> sections;  // object -> keys lookup()ed (sections)
  std::set<const Json*> maps;  // objects whose keys are names the config chooses (callouts, persist, rates)
  std::vector<UnsetVariable> unset_env;
};

// Makes `context` the thread's current one for its lifetime.
class ParseScope {
 public:
  explicit ParseScope(ParseContext& context);
  ~ParseScope();
  ParseScope(const ParseScope&) = delete;
  ParseScope& operator=(const ParseScope&) = delete;

 private:
  ParseContext* previous_;
};

// Notes that the parser looked up `key` in `object` (nothing outside a parse).
void note_key(const Json& object, std::string_view key);
// Notes that `object`'s keys are names (a map), not keys of the config.
void note_map(const Json& object);
// j.find(key), noted: for a section (an object, list or value read further).
Json::const_iterator lookup(const Json& j, const char* key);
// Whether j has `key` with a non-null value, noted.
bool has(const Json& j, const std::string& key);

// An environment variable named by `key` is unset: under Secrets::deferred it
// is noted and true is returned (go on with an empty secret); else false.
bool defer_unset(const std::string& variable, const std::string& key);

// j[key] as a T; `fallback` when absent or null. Throws ConfigError naming where.key.
template <class T>
T get_or(const Json& j, const char* key, T fallback, const std::string& where) {
  note_key(j, key);
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const Json::exception&) {
    throw ConfigError(where + "." + key + " has the wrong type");
  }
}

// A file's contents; ConfigError "<where>: cannot read <path>".
std::string read_file(const std::string& path, const std::string& where);

// A secret given as `<key>` (in the file), `<key>_env` (the name of an
// environment variable) or `<key>_file` (a file; surrounding white space,
// such as the newline `echo` leaves, is dropped): nullopt when none is set.
// ConfigError for two of them, an unset or empty variable (but see
// defer_unset: then ""), an unreadable or empty file. With `inline_ok` false
// the plain `<key>` is not read at all.
std::optional<std::string> secret(const Json& j, const std::string& key, const std::string& where,
                                  bool inline_ok = true);

// config.nats (nats_config.cpp).
NatsConfig parse_nats(const Json& j);

// apps[].tls (`admin` false) and admin.tls (true: client_ca_file allowed) (tls_config.cpp).
tls::TlsOptions parse_listener_tls(const Json& t, const std::string& where, bool admin);

// An integer key within [low, high]; the error names the key and the range.
std::int64_t number_in(const Json& j, const char* key, std::int64_t fallback, std::int64_t low, std::int64_t high,
                       const std::string& where);
// A ConfigError unless `pointer` is "" or a JSON pointer.
void check_pointer(const std::string& pointer, const std::string& where);

// callout_config.cpp: an app's callouts.<name>, persist.<kind> and sender.
backend::CalloutSpec parse_callout(const Json& j, const std::string& where);
PersistSpec parse_persist(const Json& j, const std::string& where);
SenderProfile parse_sender(const Json& j, const AppConfig& app, const std::string& where);

// config.apps[].passthrough (passthrough_config.cpp): `true`, `false` or an
// object; enabled only with an http:// `backend_url`.
proxy::Options parse_passthrough(const Json& j, const std::string& backend_url, const std::string& app_where);

// After a parse (config_keys.cpp): each key of `root` that nothing looked up,
// "config.apps[0].limtis: unknown key; did you mean limits?".
std::vector<std::string> unknown_keys(const Json& root, const ParseContext& context);
// The documented paths of the keys looked up, and the sections looked for but absent.
void accepted_keys(const Json& root, const ParseContext& context, AcceptedKeys& out);
// What is wrong with text that is not JSON, with its line and column.
std::string json_syntax_error(std::string_view text);

// config.drain (ops_config.cpp): checked with drain_problem().
DrainOptions parse_drain(const Json& j);
// config.admin's bearer secret (ops_config.cpp): from bearer_token_env or
// bearer_token_file, at least 16 bytes; "" when neither is set.
std::string parse_admin_bearer(const Json& admin);

}  // namespace gangway::config_parse
