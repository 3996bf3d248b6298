#pragma once
// Seed 003's integer ids as they arrive over HTTP: path segments, query
// parameters, JSON values. Pure.
#include <cstdint>
#include <optional>
#include <string_view>

#include "gateway/core/model.hpp"

namespace demo {

// A positive decimal id ("12"), else nullopt ("0", "-1", "1x", "", overflow).
std::optional<std::int64_t> parse_social_id(std::string_view text);
// A positive JSON integer, or a string parse_social_id() accepts, else nullopt.
std::optional<std::int64_t> social_id(const gangway::Json& value);

}  // namespace demo
