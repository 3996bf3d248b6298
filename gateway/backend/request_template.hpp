#pragma once
// Expansion of a callout's path and body templates. Pure functions: no I/O,
// safe on any thread.
//
// A placeholder is `{name}` with name made of [A-Za-z0-9_]; any other brace is
// literal text, so a JSON body template such as {"user":"{user_id}"} keeps its
// own braces.
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/model.hpp"

namespace gangway::backend {

// Percent-encodes every byte outside RFC 3986's unreserved set
// (A-Z a-z 0-9 - . _ ~), so a value can never add a path segment or a query.
std::string url_encode(std::string_view s);

// The inside of a JSON string literal for `s` (no surrounding quotes).
std::string json_escape(std::string_view s);

// The template with each {name} replaced by the URL-encoded param. nullopt if a
// placeholder names a param that is absent; `missing` then receives its name.
std::optional<std::string> expand_path(std::string_view tmpl, const Params& params,
                                       std::string* missing = nullptr);

// The template with {data} replaced by data.dump() and each other {name} by the
// JSON-escaped param (the template supplies the quotes). An empty template
// yields data.dump() (an empty string when data is null). nullopt and
// `missing` as for expand_path.
std::optional<std::string> expand_body(std::string_view tmpl, const Params& params, const Json& data,
                                       std::string* missing = nullptr);

}  // namespace gangway::backend
