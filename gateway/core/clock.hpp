#pragma once
#include <cstdint>
#include <string>

namespace gangway {

// UTC now as ISO-8601 with milliseconds, e.g. "2025-01-01T12:00:00.123Z".
std::string iso8601_now();
// Seconds since the Unix epoch.
std::int64_t unix_now();
// Milliseconds since the Unix epoch.
std::int64_t unix_ms_now();

}  // namespace gangway
