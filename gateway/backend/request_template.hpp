#pragma once
// Request templates: how a callout's method, path, query and body are built
// from what a socket knows (docs/configuration.md, "Request templates").
// Checked once when the config is loaded (template_problem), expanded per
// call on the caller's thread (expand_target, expand_body). Pure functions:
// no I/O, safe on any thread.
//
// A placeholder is `{name}` or `{source:key}`, in the path, the query and the
// string leaves of a JSON body:
//   {name}             the dialect's parameter of that name, else the route's, else
//                      user_id (the legacy form; name is [A-Za-z0-9_])
//   {route:name}       a parameter of the socket's route ("/ws/dms/{thread_id}")
//   {user:id} {user:name} {user:username}   the authenticated user
//   {claim:name}       a claim of the token (or of the session callout's answer);
//                      {claim:/a/b} a nested one (a JSON pointer)
//   {frame:/pointer}   the client's frame as it was sent          (stores only)
//   {data:/pointer}    the action's normalised data, the gw.in envelope's "data" (stores only)
//   {envelope}         the gw.in envelope; {envelope:/pointer} a part of it (stores only)
// A JSON pointer may be empty ({data:}): the whole document. A trailing `?`
// ({frame:/data/metadata?}) makes a whole body value or query value optional:
// dropped when absent. Any other brace is literal text, so a string body such
// as {"user":"{user_id}"} keeps its own braces.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/model.hpp"

namespace gangway::backend {

// A callout's request as configured.
struct RequestTemplate {
  std::string method = "GET";  // GET, POST, PUT, PATCH or DELETE
  // "/api/dms/{route:thread_id}/messages"; may end in "?a={x}&b=c". Every
  // value in the path (before '?') must be an id ([A-Za-z0-9_-], 1-128
  // characters); query values are percent-encoded.
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;  // name -> value template, after the path's own
  // Legacy string body: {name}s JSON-escaped, "{data}" the request's JSON body.
  // Used when `body_template` is null; empty: the request's JSON body itself.
  std::string body;
  Json body_template;  // a JSON template (object or array); null: none
  // "body": null in the config: a store sends no body at all (else, with
  // neither `body` nor `body_template`, it sends the gw.in envelope).
  bool no_body = false;
};

struct Placeholder {
  enum class Source { param, route, user, claim, frame, data, envelope };
  Source source = Source::param;
  std::string key;        // a name, or a JSON pointer (frame, data, envelope, claim:/…)
  bool optional = false;  // written with a trailing '?'
  std::string text;       // as written, braces included (for messages)
};

// Where one call's values come from. Nothing is owned: what the pointers
// point to is read during CalloutClient::call() only (the request is built
// before it returns). A null pointer is a source that has nothing.
struct TemplateValues {
  const Params* params = nullptr;  // bare {name}s: the dialect's, the route's and user_id
  const Params* route = nullptr;
  const Principal* user = nullptr;
  const Claims* claims = nullptr;
  const Json* frame = nullptr;
  const Json* data = nullptr;
  const Json* envelope = nullptr;
};

// Why a request was not built; nothing was sent.
struct TemplateFailure {
  enum class Kind {
    missing,    // a placeholder's value is absent (a frame without that field, a claim the token lacks)
    bad_value,  // present but unusable there: not an id in a path, an object in a query, …
  };
  Kind kind = Kind::missing;
  std::string placeholder;  // as written, e.g. "{frame:/data/conversation_id}"
};

// Every placeholder of the template (path, query, string body, JSON body), in
// order; a malformed one ("{frame:data}", an optional in the path) sets
// `problem` to a message naming it.
std::vector<Placeholder> placeholders(const RequestTemplate& t, std::string* problem = nullptr);

// "" if the template can be used: a known method, a path starting with '/',
// well-formed placeholders, a body template only with a method that sends
// one; else what is wrong.
std::string template_problem(const RequestTemplate& t);

// The path with its query (the path's own and `t.query`), values filled in.
std::optional<std::string> expand_target(const RequestTemplate& t, const TemplateValues& v,
                                         TemplateFailure& failure);

// The body for a method that sends one: the JSON template expanded (string
// leaves that are one placeholder become its typed value; others are
// interpolated text), else the legacy string body with `request_body` for
// "{data}", else request_body.dump() ("" when it is null).
std::optional<std::string> expand_body(const RequestTemplate& t, const TemplateValues& v, const Json& request_body,
                                       TemplateFailure& failure);

// True for the methods that carry a body: POST, PUT, PATCH (and DELETE with a body template).
bool sends_body(const RequestTemplate& t);

// Percent-encodes every byte outside RFC 3986's unreserved set
// (A-Z a-z 0-9 - . _ ~), so a value can never add a path segment or a query.
std::string url_encode(std::string_view s);

// The inside of a JSON string literal for `s` (no surrounding quotes).
std::string json_escape(std::string_view s);

}  // namespace gangway::backend
