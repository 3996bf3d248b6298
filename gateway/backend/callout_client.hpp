#pragma once
// Calls the backend's HTTP endpoints (authorization, membership, session
// lookup, message storage) off the gateway's I/O loops, with timeouts, a TTL
// cache of answers, and fail-closed results. No httplib types appear here.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gateway/core/model.hpp"

namespace gangway::backend {

// One callout as configured under an app's "callouts".
struct CalloutSpec {
  std::string method = "GET";   // GET or POST
  std::string path;             // "/internal/conversations/{conversation_id}/participants/{user_id}"
  std::string body;             // POST body template; "{data}" is replaced by the request's JSON body
  bool forward_bearer = false;  // send the client's token as Authorization: Bearer
  bool forward_cookie = false;  // send the client's Cookie header
  std::chrono::milliseconds timeout{2000};
  std::chrono::milliseconds cache_ttl{0};  // 0: never cached; only allowed answers are cached
  std::string allow_pointer;               // JSON pointer into the 2xx body that must equal allow_equals
  Json allow_equals;                       // (if allow_pointer is non-empty)
};

struct CalloutRequest {
  Params params;       // substituted into path and body; values are URL-encoded in the path
  std::string bearer;  // the client's token, if forward_bearer
  std::string cookie;  // the client's Cookie header, if forward_cookie
  Json body;           // for POST: replaces "{data}" in the body template (or is the body if no template)
};

struct CalloutResult {
  enum class Outcome { allowed, denied, unavailable };  // unavailable: timeout, refused, 5xx, bad body
  Outcome outcome = Outcome::unavailable;
  int status = 0;  // HTTP status, 0 if none
  Json body;       // parsed response body (null if not JSON)
  bool allowed() const { return outcome == Outcome::allowed; }
};

class CalloutClient {
 public:
  // base_url like "http://127.0.0.1:8001" (http or https; a path such as
  // "http://host/api" is prepended to every callout path). `threads` worker
  // threads make the calls, each over its own keep-alive connection. At most
  // `queue_capacity` calls wait for a worker; beyond that a call fails closed
  // at once. Over https the server's certificate is always verified (chain
  // and host name) against `ca_file` (PEM) if given, else the system trust
  // store; a failed verification is an unavailable callout. Throws
  // std::invalid_argument at startup for an unusable base_url or ca_file.
  CalloutClient(std::string base_url, unsigned threads, std::size_t queue_capacity = 1024,
                const std::string& ca_file = {});
  // Stops accepting, completes the queued calls as unavailable (on the
  // destroying thread), aborts the calls in flight, then joins the workers.
  ~CalloutClient();
  CalloutClient(const CalloutClient&) = delete;
  CalloutClient& operator=(const CalloutClient&) = delete;

  // Never blocks. `done` runs exactly once on a worker thread, or inline
  // (before call() returns) on a cache hit and on an immediate failure: a
  // missing template parameter, a credential with control characters
  // (denied), a full queue, an unsupported method or a client shutting down
  // (unavailable). The caller posts it back to its own executor.
  void call(const CalloutSpec& spec, CalloutRequest request, std::function<void(CalloutResult)> done);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gangway::backend
