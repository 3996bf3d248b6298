#pragma once
// Ids that the seeds show as JSON numbers (circles' thread_id 2, user_id 8)
// travel through the gateway as strings (paths, JWT `sub`, room ids). These
// convert between the two without losing an id that only looks numeric.
// Pure and thread-safe.
#include <string>
#include <string_view>

#include "gateway/core/model.hpp"

namespace gangway::adapters {

// `id` as a JSON number when it is a canonical decimal (digits only, no leading
// zero except "0" itself, at most 18 digits so it fits an int64), else as a
// JSON string. "8" -> 8, "08" -> "08", "u-1" -> "u-1".
Json id_json(std::string_view id);

// The decimal or string form of a JSON id: 8 -> "8", "8" -> "8"; anything else
// (null, float, bool, object, negative) -> "".
std::string id_string(const Json& id);

}  // namespace gangway::adapters
