#pragma once
// Parsing every JSON the gateway reads: events from NATS, client frames,
// tokens' headers and claims, callout and store answers, key sets, the config.
//
// Nesting is bounded while parsing (max_json_depth()): everything downstream
// (copies, rendering, comparisons) walks a document recursively, so a deeper
// one is refused here, before a value exists, instead of overflowing a loop's
// stack later. The depth is the most objects and arrays open at once:
// `1` is 0, `[]` and `{}` are 1, `[[1]]` is 2.
//
// Same contract as nlohmann's Json::parse(text, nullptr, false) otherwise:
// the document, or a discarded value if `text` is not exactly one JSON value.
// simdjson parses the text (~4x faster than nlohmann's lexer on a 200-byte
// event); the nlohmann value is then built from its tape. Documents simdjson
// refuses for their syntax are parsed again by nlohmann, which decides, so the
// two accept the same texts (nlohmann also takes a UTF-8 BOM, integers past
// 64 bits as floats), and build equal values of the same types (but "-0":
// unsigned here, signed there). Thread-safe: each thread keeps its own parser.
#include <cstddef>
#include <string_view>

#include "gateway/core/model.hpp"

namespace gangway {

// Deep enough for any chat payload, shallow enough that a recursive walk
// uses a few tens of KiB of stack at most.
inline constexpr std::size_t kDefaultMaxJsonDepth = 128;

// Sets the bound for every later parse_json() (the config's
// "max_json_depth"); at startup, before any thread parses. At least 1.
void set_max_json_depth(std::size_t depth);
std::size_t max_json_depth();

enum class JsonRefusal {
  none,
  malformed,  // not exactly one JSON value
  too_deep,   // nests deeper than max_json_depth()
};

// The document, or a discarded value (and `why`, if given, says which refusal).
// `extra_levels` raises the bound for this text only: an envelope the gateway
// itself wraps around a payload that was bounded when it was read (parse_event()).
Json parse_json(std::string_view text, JsonRefusal* why = nullptr, std::size_t extra_levels = 0);

// The deepest nesting in `text` (brackets inside strings do not count),
// stopping early once it passes `limit`; a single pass, no recursion. For
// malformed text the count is meaningless but still bounded by its length.
std::size_t json_depth(std::string_view text, std::size_t limit);

}  // namespace gangway
