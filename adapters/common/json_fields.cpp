#include "adapters/common/json_fields.hpp"

#include <cstdint>

#include "gateway/core/json_parse.hpp"
#include "gateway/core/subject.hpp"

namespace gangway::adapters {

std::string clip(std::string_view s, std::size_t max) {
  constexpr std::string_view kMark = "...";
  if (s.size() <= max) return std::string(s);
  // The mark counts towards `max`, so clipping a clipped text changes nothing.
  std::size_t end = max > kMark.size() ? max - kMark.size() : 0;
  // Never split a multi-byte character: back off over continuation bytes (10xxxxxx).
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  std::string out(s.substr(0, end));
  out += kMark;
  return out;
}

FieldResult<Envelope> parse_envelope(std::string_view frame, std::string_view type_key) {
  JsonRefusal why;
  Json body = parse_json(frame, &why);
  if (why == JsonRefusal::too_deep) {
    return Failure{DialectError{ErrorCode::invalid_json,
                                "frame nests deeper than " + std::to_string(max_json_depth()) + " levels", {}, {}}};
  }
  if (body.is_discarded() || !body.is_object()) {
    return Failure{DialectError{ErrorCode::invalid_json, "frame must be a JSON object", {}, {}}};
  }
  Fields fields(body, {});
  auto type = fields.string(type_key);
  if (!type) return Failure{type.error()};
  return Envelope{std::move(body), std::move(*type)};
}

DialectError unknown_type(std::string_view type_key, std::string_view type) {
  std::string shown = clip(type);
  std::string detail = "unknown " + std::string(type_key) + " '" + shown + "'";
  return DialectError{ErrorCode::unknown_type, std::move(detail), std::string(type_key), std::move(shown)};
}

Fields::Fields(const Json& obj, std::string_view request_event)
    : obj_(obj), request_event_(clip(request_event)) {}

const Json* Fields::find(std::string_view key) const {
  if (!obj_.is_object()) return nullptr;
  auto it = obj_.find(key);
  return it == obj_.end() ? nullptr : &*it;
}

DialectError Fields::error(ErrorCode code, std::string detail, std::string_view field) const {
  return DialectError{code, std::move(detail), std::string(field), request_event_};
}

DialectError Fields::missing(std::string_view key) const {
  return error(ErrorCode::missing_field, std::string(key) + " is required", key);
}

DialectError Fields::wrong_type(std::string_view key, std::string_view expected) const {
  return error(ErrorCode::invalid_field, std::string(key) + " must be " + std::string(expected), key);
}

FieldResult<std::string> Fields::string(std::string_view key) const {
  const Json* v = find(key);
  if (!v) return Failure{missing(key)};
  if (!v->is_string()) return Failure{wrong_type(key, "a string")};
  return v->get<std::string>();
}

FieldResult<std::optional<std::string>> Fields::optional_string(std::string_view key) const {
  const Json* v = find(key);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return Failure{wrong_type(key, "a string")};
  return std::optional<std::string>(v->get<std::string>());
}

FieldResult<bool> Fields::boolean(std::string_view key) const {
  const Json* v = find(key);
  if (!v) return Failure{missing(key)};
  if (!v->is_boolean()) return Failure{wrong_type(key, "true or false")};
  return v->get<bool>();
}

FieldResult<std::string> Fields::id(std::string_view key) const {
  const Json* v = find(key);
  if (!v) return Failure{missing(key)};
  std::string id;
  if (v->is_string()) {
    id = v->get<std::string>();
  } else if (v->is_number_unsigned()) {
    id = std::to_string(v->get<std::uint64_t>());
  } else if (v->is_number_integer()) {
    id = std::to_string(v->get<std::int64_t>());
  } else {
    return Failure{wrong_type(key, "a string")};
  }
  if (!is_valid_id(id)) {
    return Failure{error(ErrorCode::invalid_id,
                         std::string(key) + " must be a string of [A-Za-z0-9_-], at most " +
                             std::to_string(kMaxIdLength) + " characters",
                         key)};
  }
  return id;
}

FieldResult<std::string> Fields::one_of(std::string_view key,
                                        std::initializer_list<std::string_view> allowed) const {
  std::string expected = "one of";
  for (std::string_view a : allowed) {
    expected += expected.size() == 6 ? " \"" : ", \"";
    expected += a;
    expected += '"';
  }
  auto value = string(key);
  if (!value) {
    if (value.error().code == ErrorCode::missing_field) return value;
    return Failure{wrong_type(key, expected)};
  }
  for (std::string_view a : allowed) {
    if (*value == a) return value;
  }
  return Failure{wrong_type(key, expected)};
}

FieldResult<const Json*> Fields::object(std::string_view key) const {
  const Json* v = find(key);
  if (!v) return Failure{missing(key)};
  if (!v->is_object()) return Failure{wrong_type(key, "an object")};
  return v;
}

FieldResult<std::optional<std::int64_t>> Fields::optional_integer(std::string_view key, std::int64_t min,
                                                                  std::int64_t max) const {
  const Json* v = find(key);
  if (!v) return std::optional<std::int64_t>();
  auto out_of_range = [&] {
    std::string expected = "an integer";
    if (max != INT64_MAX)
      expected += " from " + std::to_string(min) + " to " + std::to_string(max);
    else if (min != INT64_MIN)
      expected += " of at least " + std::to_string(min);
    return Failure{wrong_type(key, expected)};
  };
  // An unsigned beyond int64 is out of every range we accept.
  if (!v->is_number_integer() || (v->is_number_unsigned() && v->get<std::uint64_t>() > INT64_MAX))
    return out_of_range();
  auto n = v->get<std::int64_t>();
  if (n < min || n > max) return out_of_range();
  return std::optional<std::int64_t>(n);
}

FieldResult<std::int64_t> Fields::integer(std::string_view key, std::int64_t min, std::int64_t max) const {
  auto n = optional_integer(key, min, max);
  if (!n) return Failure{n.error()};
  if (!*n) return Failure{missing(key)};
  return **n;
}

}  // namespace gangway::adapters
