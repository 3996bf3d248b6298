#pragma once
// The HTTP half of a callout, internal to gateway/backend: a request prepared
// on the caller's thread, and one attempt at it on a worker's connection.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/backend/callout_client.hpp"

namespace httplib {
class Client;
}

namespace gangway::backend {

struct BaseUrl {
  std::string origin;  // scheme://host[:port]
  std::string prefix;  // path before every callout path, without a trailing '/'
};

// Throws std::invalid_argument for anything but http(s)://host[...].
BaseUrl parse_base_url(const std::string& url);

// One worker's connection: keep-alive, no redirects (an answer we do not
// understand), paths sent as already encoded. Over https the server's
// certificate is always verified (chain and host name) against `ca_file`
// (PEM) if given, else the system trust store. Throws like parse_base_url,
// and for a ca_file without https or that cannot be read.
std::unique_ptr<httplib::Client> make_http_client(const BaseUrl& base, const std::string& ca_file = {});

// Everything a worker needs, built from the spec and the request.
struct HttpCall {
  std::string method;
  std::string path;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string cache_key;  // empty unless the spec caches answers
  CalloutSpec spec;       // for the allow rule and the cache TTL
};

// Fills `out`; for a call that must not be sent returns its result instead:
// unavailable with Why::missing_value or Why::bad_value (and the placeholder
// in `problem`) for a template value that is absent or unusable, denied for
// a forwarded credential with control characters (it would write headers).
std::optional<CalloutResult> prepare_call(const BaseUrl& base, const CalloutSpec& spec,
                                          const CalloutRequest& request, HttpCall& out);

// One attempt on `client`, whose every connect, read and write waits at most
// `budget` (a read timeout is per read: a trickling backend is cut off by the
// caller calling client.stop() from another thread, the one thing httplib
// allows across threads). Unavailable with Why::unreachable when no answer came.
CalloutResult attempt(httplib::Client& client, const HttpCall& call, std::chrono::milliseconds budget);

// An unanswered call's result.
CalloutResult unanswered(CalloutResult::Why why, CalloutResult::Outcome outcome = CalloutResult::Outcome::unavailable);

}  // namespace gangway::backend
