#include "adapters/common/numeric_id.hpp"

#include <cstdint>

namespace gangway::adapters {

namespace {

// 18 digits always fit an int64, so no overflow check is needed.
constexpr std::size_t kMaxNumericDigits = 18;

bool is_canonical_decimal(std::string_view id) {
  if (id.empty() || id.size() > kMaxNumericDigits) return false;
  if (id.size() > 1 && id[0] == '0') return false;
  for (char c : id)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

Json id_json(std::string_view id) {
  if (!is_canonical_decimal(id)) return Json(std::string(id));
  std::int64_t n = 0;
  for (char c : id) n = n * 10 + (c - '0');
  return Json(n);
}

std::string id_string(const Json& id) {
  if (id.is_string()) return id.get<std::string>();
  if (id.is_number_unsigned()) return std::to_string(id.get<std::uint64_t>());
  if (id.is_number_integer() && id.get<std::int64_t>() >= 0) return std::to_string(id.get<std::int64_t>());
  return "";
}

}  // namespace gangway::adapters
