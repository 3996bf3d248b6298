#pragma once
// What the backend's answer to a store or a membership callout means, once
// it came back. Pure functions; any thread.
#include <string>

#include "gateway/backend/callout_client.hpp"
#include "gateway/core/result.hpp"

namespace gangway::backend {

// Why a store did not keep the message: the code the dialect renders, and a
// detail for the client (no secret, no backend body).
struct StoreRefusal {
  ErrorCode code = ErrorCode::store_failed;
  std::string detail;
};

// The stored object: the 2xx answer's JSON object at spec.response_pointer
// (the whole body when it is ""); null for a 2xx with no body at all (204):
// the event goes out as the gateway built it. Else why not:
//   a template value absent (missing_value) -> missing_field, unusable (bad_value) -> invalid_id;
//   400, 422 -> store_invalid (the dialect's validation error);
//   401, 403 -> forbidden;  404 -> store_not_found;
//   another 4xx or 3xx, or a 2xx that has no object where the config says -> store_failed;
//   5xx, no answer in time, refused, reset, breaker open, queue full -> unavailable.
Result<Json, StoreRefusal> store_answer(const CalloutSpec& spec, const CalloutResult& r);

// A membership callout's answer as the dialects read it: with the spec's
// list_pointer or id_pointer set, a bare array of the listed ids as strings
// (an entry is an id, or an object whose id is at id_pointer; integers are
// written in decimal; other entries are skipped; no list there: empty);
// with neither, the answer unchanged.
Json membership_ids(const CalloutSpec& spec, const Json& answer);

}  // namespace gangway::backend
