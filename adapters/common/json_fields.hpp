#pragma once
// Reading client frames, shared by every dialect.
//
// Every reader returns a DialectError instead of throwing, guards each get<> by a
// type check, and never copies more than kMaxEcho bytes of client input into an
// error. All functions are pure and thread-safe.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/model.hpp"
#include "gateway/core/result.hpp"

namespace gangway::adapters {

template <class T>
using FieldResult = Result<T, DialectError>;

// The most client bytes an error detail or request_event may repeat.
inline constexpr std::size_t kMaxEcho = 64;

// `s` if it fits in `max` bytes (max >= 3), else its head cut on a UTF-8 character
// boundary with "..." appended, `max` bytes at most in all. clip(clip(s)) == clip(s).
std::string clip(std::string_view s, std::size_t max = kMaxEcho);

// A client frame split into its JSON object and its type ("event", "type", ...).
struct Envelope {
  Json body;
  std::string type;
};

// Parses `frame` and reads its type field `type_key`:
//   not JSON, or not an object -> invalid_json
//   nested past max_json_depth -> invalid_json ("frame nests deeper than N levels")
//   type field absent          -> missing_field (field = type_key)
//   type field not a string    -> invalid_field (field = type_key)
FieldResult<Envelope> parse_envelope(std::string_view frame, std::string_view type_key);

// unknown_type for a type the dialect does not know: "unknown <type_key> '<type>'",
// with the type clipped in both the detail and request_event.
DialectError unknown_type(std::string_view type_key, std::string_view type);

// Typed, validated reads of the fields of one JSON object (a frame, or a nested
// "data" object). Errors carry the field name and the frame's request_event.
// Holds a reference: `obj` must outlive the Fields.
class Fields {
 public:
  Fields(const Json& obj, std::string_view request_event);

  // Absent -> missing_field; not a string -> invalid_field.
  FieldResult<std::string> string(std::string_view key) const;
  // Absent -> nullopt; present but not a string (null included) -> invalid_field.
  FieldResult<std::optional<std::string>> optional_string(std::string_view key) const;
  // Absent -> missing_field; not true/false -> invalid_field.
  FieldResult<bool> boolean(std::string_view key) const;
  // An id that will sit in a NATS subject. A string, or an integer rendered in
  // decimal. Absent -> missing_field; other types -> invalid_field; failing
  // is_valid_id() -> invalid_id.
  FieldResult<std::string> id(std::string_view key) const;
  // A string that must equal one of `allowed`; the detail lists the allowed
  // values, never the client's. Absent -> missing_field; else invalid_field.
  FieldResult<std::string> one_of(std::string_view key,
                                  std::initializer_list<std::string_view> allowed) const;
  // A nested object (e.g. winkr's "data"); points into `obj`.
  // Absent -> missing_field; not an object -> invalid_field.
  FieldResult<const Json*> object(std::string_view key) const;
  // A JSON integer (no fraction, no string) in [min, max], e.g. social's "to": 123.
  // Absent -> missing_field; anything else -> invalid_field.
  FieldResult<std::int64_t> integer(std::string_view key, std::int64_t min = INT64_MIN,
                                    std::int64_t max = INT64_MAX) const;
  // As integer(), but absent -> nullopt.
  FieldResult<std::optional<std::int64_t>> optional_integer(std::string_view key, std::int64_t min = INT64_MIN,
                                                            std::int64_t max = INT64_MAX) const;

  // An error about this frame; `field` may be empty.
  DialectError error(ErrorCode code, std::string detail, std::string_view field = {}) const;
  const std::string& request_event() const { return request_event_; }

 private:
  const Json* find(std::string_view key) const;
  DialectError missing(std::string_view key) const;
  DialectError wrong_type(std::string_view key, std::string_view expected) const;

  const Json& obj_;
  std::string request_event_;
};

}  // namespace gangway::adapters
