#include "gateway/backend/store_answer.hpp"

namespace gangway::backend {

namespace {

using Why = CalloutResult::Why;

const Json* at(const Json& doc, const std::string& pointer) {
  if (pointer.empty()) return &doc;
  try {
    Json::json_pointer ptr(pointer);
    return doc.contains(ptr) ? &doc.at(ptr) : nullptr;
  } catch (const Json::exception&) {
    return nullptr;
  }
}

Failure<StoreRefusal> refuse(ErrorCode code, std::string detail) { return Failure{StoreRefusal{code, std::move(detail)}}; }

}  // namespace

Result<Json, StoreRefusal> store_answer(const CalloutSpec& spec, const CalloutResult& r) {
  switch (r.why) {
    case Why::answered: break;
    case Why::missing_value: return refuse(ErrorCode::missing_field, "the message has no value for " + r.problem);
    case Why::bad_value: return refuse(ErrorCode::invalid_id, r.problem + " must be an id of [A-Za-z0-9_-]");
    default: return refuse(ErrorCode::unavailable, "the backend is unavailable, the message was not stored");
  }
  const int s = r.status;
  if (s == 400 || s == 422) return refuse(ErrorCode::store_invalid, "the backend refused the message as invalid");
  if (s == 401 || s == 403) return refuse(ErrorCode::forbidden, "the backend refused the message");
  if (s == 404) return refuse(ErrorCode::store_not_found, "the conversation or message does not exist");
  if (s >= 500) return refuse(ErrorCode::unavailable, "the backend is unavailable, the message was not stored");
  if (s < 200 || s > 299) return refuse(ErrorCode::store_failed, "the backend did not store the message");
  if (r.outcome != CalloutResult::Outcome::allowed && !r.body.is_null())
    return refuse(ErrorCode::store_failed, "the store's answer does not say it was stored");
  // classify_response leaves null for an empty body (and for one that is not JSON, or too deep: refused below).
  if (r.body.is_null() && r.outcome == CalloutResult::Outcome::allowed) return Json();
  const Json* stored = at(r.body, spec.response_pointer);
  if (!stored || !stored->is_object()) return refuse(ErrorCode::store_failed, "the store answered no message");
  return *stored;
}

Json membership_ids(const CalloutSpec& spec, const Json& answer) {
  if (spec.list_pointer.empty() && spec.id_pointer.empty()) return answer;
  Json ids = Json::array();
  const Json* list = at(answer, spec.list_pointer);
  if (!list || !list->is_array()) return ids;
  for (const Json& entry : *list) {
    const Json* id = entry.is_object() && !spec.id_pointer.empty() ? at(entry, spec.id_pointer) : &entry;
    if (!id) continue;
    if (id->is_string()) ids.push_back(*id);
    else if (id->is_number_integer()) ids.push_back(id->dump());
  }
  return ids;
}

}  // namespace gangway::backend
