#include "gateway/backend/response_rule.hpp"

#include "gateway/core/json_parse.hpp"

namespace gangway::backend {

using Outcome = CalloutResult::Outcome;

CalloutResult classify_response(const CalloutSpec& spec, int status, std::string_view body) {
  CalloutResult r;
  r.status = status;
  JsonRefusal why;
  Json parsed = parse_json(body, &why);
  if (!parsed.is_discarded()) r.body = std::move(parsed);

  if (status == 401 || status == 403 || status == 404) {
    r.outcome = Outcome::denied;
    return r;
  }
  // A body nested past the bound is not read at all: whatever it said is unknown.
  if (status < 200 || status > 299 || why == JsonRefusal::too_deep) {
    r.outcome = Outcome::unavailable;
    return r;
  }
  if (spec.allow_pointer.empty()) {
    r.outcome = Outcome::allowed;
    return r;
  }
  if (parsed.is_discarded()) {
    r.outcome = Outcome::unavailable;  // a rule we cannot evaluate must not allow
    return r;
  }
  try {
    Json::json_pointer ptr(spec.allow_pointer);
    bool match = r.body.contains(ptr) && r.body.at(ptr) == spec.allow_equals;
    r.outcome = match ? Outcome::allowed : Outcome::denied;
  } catch (const Json::exception&) {
    // A malformed pointer is a configuration error; fail closed rather than guess.
    r.outcome = Outcome::unavailable;
  }
  return r;
}

}  // namespace gangway::backend
