#include "gateway/core/model.hpp"

#include "gateway/core/json_parse.hpp"

namespace gangway {

std::optional<Event> parse_event(std::string_view body) {
  Json j = parse_json(body, nullptr, kEventEnvelopeLevels);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  Event e;
  if (auto f = j.find("frame"); f != j.end()) {
    if (!f->is_object()) return std::nullopt;
    e.frame = std::move(*f);
  } else {
    auto name = j.find("event");
    if (name == j.end() || !name->is_string()) return std::nullopt;
    e.name = name->get<std::string>();
    if (auto d = j.find("data"); d != j.end()) e.data = std::move(*d);
  }
  if (auto x = j.find("exclude"); x != j.end() && x->is_object()) {
    auto str = [&](const char* k) {
      auto v = x->find(k);
      if (v == x->end()) return std::string();
      return v->is_string() ? v->get<std::string>() : v->dump();
    };
    e.exclude = {str("user"), str("conn")};
  }
  return e;
}

std::string serialize_event(const Event& e) {
  Json j = Json::object();
  if (e.frame) {
    j["frame"] = *e.frame;
  } else {
    j["event"] = e.name;
    j["data"] = e.data;
  }
  if (!e.exclude.empty()) {
    Json x = Json::object();
    if (!e.exclude.user.empty()) x["user"] = e.exclude.user;
    if (!e.exclude.conn.empty()) x["conn"] = e.exclude.conn;
    j["exclude"] = std::move(x);
  }
  return j.dump();
}

std::string_view to_string(ErrorCode c) {
  switch (c) {
    case ErrorCode::invalid_json: return "invalid_json";
    case ErrorCode::unknown_type: return "unknown_type";
    case ErrorCode::missing_field: return "missing_field";
    case ErrorCode::invalid_field: return "invalid_field";
    case ErrorCode::invalid_id: return "invalid_id";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::binary_frame: return "binary_frame";
    case ErrorCode::invalid_utf8: return "invalid_utf8";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::not_joined: return "not_joined";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::unavailable: return "unavailable";
    case ErrorCode::store_failed: return "store_failed";
    case ErrorCode::store_not_found: return "store_not_found";
    case ErrorCode::store_invalid: return "store_invalid";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

std::string_view public_code(ErrorCode c) {
  if (c == ErrorCode::not_found) return to_string(ErrorCode::forbidden);
  if (c == ErrorCode::store_not_found || c == ErrorCode::store_invalid) return to_string(ErrorCode::store_failed);
  return to_string(c);
}

const std::string* find_claim(const Claims& claims, std::string_view name) {
  for (const auto& [k, v] : claims)
    if (k == name) return &v;
  return nullptr;
}

}  // namespace gangway
