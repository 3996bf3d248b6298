#include "deploy/demo_backend/social_ids.hpp"

#include <charconv>

namespace demo {

std::optional<std::int64_t> parse_social_id(std::string_view text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

std::optional<std::int64_t> social_id(const gangway::Json& value) {
  if (value.is_string()) return parse_social_id(value.get_ref<const std::string&>());
  if (value.is_number_unsigned()) {
    auto n = value.get<std::uint64_t>();
    if (n == 0 || n > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(n);
  }
  if (value.is_number_integer() && value.get<std::int64_t>() > 0) return value.get<std::int64_t>();
  return std::nullopt;
}

}  // namespace demo
