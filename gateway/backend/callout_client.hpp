#pragma once
// Calls the backend's HTTP endpoints (authorization, membership, session
// lookup, message storage) off the gateway's I/O loops, with a deadline per
// call, a bounded queue, cancellation, a circuit breaker, a TTL cache of
// answers, and fail-closed results. No httplib types appear here.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gateway/backend/callout_counters.hpp"
#include "gateway/backend/cancel_token.hpp"
#include "gateway/backend/circuit_breaker.hpp"
#include "gateway/backend/request_template.hpp"
#include "gateway/core/model.hpp"

namespace gangway::backend {

// One callout as configured under an app's "callouts": its request template
// (method, path, query, body: request_template.hpp) and how it is called.
struct CalloutSpec : RequestTemplate {
  bool forward_bearer = false;  // send the client's token as Authorization: Bearer
  bool forward_cookie = false;  // send the client's Cookie header
  // Bounds the whole call, from call() to `done`: waiting for a worker and the request.
  std::chrono::milliseconds timeout{2000};
  std::chrono::milliseconds cache_ttl{0};  // 0: never cached; only allowed answers are cached
  std::string allow_pointer;               // JSON pointer into the 2xx body that must equal allow_equals
  Json allow_equals;                       // (if allow_pointer is non-empty)
  // A store: where the stored object is in a 2xx answer ("/message"; "" the whole body).
  std::string response_pointer;
  // A membership list (store_answer.hpp, membership_ids): where the list is in
  // the answer, and where each entry's id is in an entry that is an object.
  // Both empty: the answer is left as it is, for the dialect to read.
  std::string list_pointer;
  std::string id_pointer;
};

struct CalloutRequest {
  Params params;       // bare {name}s: the dialect's parameters, the route's and user_id
  std::string bearer;  // the client's token, if forward_bearer
  std::string cookie;  // the client's Cookie header, if forward_cookie
  Json body;           // "{data}" in a string body; the body itself when the callout has no body template
  // The other sources of the template (route, user, claims, frame, data,
  // envelope); not owned, read during call() only. values.params, if null, is `params`.
  TemplateValues values;
};

struct CalloutResult {
  enum class Outcome { allowed, denied, unavailable };  // unavailable: timeout, refused, 5xx, bad body
  // Why: `answered` when the backend answered (see status); otherwise why it did not.
  enum class Why {
    answered,
    invalid,        // a forwarded credential has control characters: never sent
    missing_value,  // a template's value is absent (CalloutResult::problem names it): never sent
    bad_value,      // a template's value is unusable where it goes (not an id in a path): never sent
    unreachable,    // connection refused or reset, no usable answer
    timeout,        // the call's deadline passed (in the queue: never sent; or in flight)
    queue_full,     // refused at once: too many calls waiting
    breaker_open,   // refused at once: the backend keeps failing
    cancelled,      // its CancelToken was cancelled before it was sent
    shutdown,       // the client is being destroyed
  };
  Outcome outcome = Outcome::unavailable;
  int status = 0;  // HTTP status, 0 if none
  Json body;       // parsed response body (null if not JSON)
  Why why = Why::answered;
  std::string problem;  // missing_value, bad_value: the placeholder, as written
  bool allowed() const { return outcome == Outcome::allowed; }
};
// "allowed", "denied", "unavailable" (the outcome label of gangway_callouts_total).
std::string_view to_string(CalloutResult::Outcome outcome);

struct CalloutOptions {
  unsigned threads = 4;      // workers, each with its own keep-alive connection
  std::size_t queue = 1024;  // calls waiting for a worker; beyond it a call fails at once
  BreakerOptions breaker;
  std::string ca_file;  // https: the CA bundle (PEM) the backend's certificate must chain to; empty: the system's
};

class CalloutClient {
 public:
  // base_url like "http://127.0.0.1:8001" (http or https; a path such as
  // "http://host/api" is prepended to every callout path). Over https the
  // server's certificate is always verified (chain and host name) against
  // the options' ca_file if given, else the system trust store; a failed
  // verification is an unavailable callout. Throws std::invalid_argument at
  // startup for an unusable base_url or ca_file.
  CalloutClient(std::string base_url, CalloutOptions options);
  CalloutClient(std::string base_url, unsigned threads, std::size_t queue_capacity = 1024,
                const std::string& ca_file = {});
  // Stops accepting, completes the queued calls as unavailable (shutdown, on
  // the destroying thread), aborts the calls in flight, then joins its threads.
  ~CalloutClient();
  CalloutClient(const CalloutClient&) = delete;
  CalloutClient& operator=(const CalloutClient&) = delete;

  // Never blocks. `done` runs exactly once, with unavailable at the latest at
  // spec.timeout after call() (plus scheduling), on:
  //  - the caller's thread, before call() returns: a cache hit, and every
  //    failure known at once (invalid request, full queue, open breaker,
  //    cancelled token, shutting down);
  //  - the client's timer thread: a call whose deadline passed, queued
  //    (never sent) or in flight (its request is aborted);
  //  - a worker thread: the backend's answer, or its failure.
  // The caller posts it back to its own executor. Calls are taken by workers
  // nearest-deadline first (for one callout's calls: in arrival order).
  void call(const CalloutSpec& spec, CalloutRequest request, std::function<void(CalloutResult)> done);
  // As above; once `cancel` is cancelled, a call not yet sent completes
  // unavailable with Why::cancelled (at once if it already is) and never
  // reaches the backend. A call in flight is not aborted.
  void call(const CalloutSpec& spec, CalloutRequest request, std::function<void(CalloutResult)> done,
            CancelToken cancel);

  // For /metrics; lives as long as its last holder.
  std::shared_ptr<const CalloutCounters> counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gangway::backend
