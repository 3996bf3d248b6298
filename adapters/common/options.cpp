#include "adapters/common/options.hpp"

namespace gangway::adapters {

OptionReader::OptionReader(const Json& options, std::string_view dialect) : options_(options), dialect_(dialect) {
  if (!options_.is_null() && !options_.is_object()) fail("options must be an object");
}

void OptionReader::fail(std::string problem) {
  if (!problem_) problem_ = std::move(problem);
}

std::int64_t OptionReader::integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  known_.emplace(key);
  if (!options_.is_object()) return fallback;
  auto it = options_.find(key);
  if (it == options_.end()) return fallback;
  if (it->is_number_unsigned()) {  // non-negative literals parse unsigned, and may pass INT64_MAX
    if (max >= 0 && it->get<std::uint64_t>() <= static_cast<std::uint64_t>(max)) {
      auto v = static_cast<std::int64_t>(it->get<std::uint64_t>());
      if (v >= min) return v;
    }
  } else if (it->is_number_integer()) {
    auto v = it->get<std::int64_t>();
    if (v >= min && v <= max) return v;
  }
  fail("options." + std::string(key) + " must be an integer from " + std::to_string(min) + " to " +
       std::to_string(max));
  return fallback;
}

std::string OptionReader::choice(std::string_view key, std::string_view fallback,
                                 std::initializer_list<std::string_view> allowed) {
  known_.emplace(key);
  if (!options_.is_object()) return std::string(fallback);
  auto it = options_.find(key);
  if (it == options_.end()) return std::string(fallback);
  if (it->is_string())
    for (std::string_view a : allowed)
      if (it->get_ref<const std::string&>() == a) return std::string(a);
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "\"" : ", \"") + std::string(a) + "\"";
  fail("options." + std::string(key) + " must be one of " + list);
  return std::string(fallback);
}

std::string OptionReader::json_pointer(std::string_view key, std::string_view fallback) {
  known_.emplace(key);
  if (!options_.is_object()) return std::string(fallback);
  auto it = options_.find(key);
  if (it == options_.end()) return std::string(fallback);
  if (it->is_string()) {
    try {
      Json::json_pointer check(it->get<std::string>());
      return it->get<std::string>();
    } catch (const Json::exception&) {
    }
  }
  fail("options." + std::string(key) + " must be a JSON pointer (\"/member\")");
  return std::string(fallback);
}

std::optional<std::string> OptionReader::problem() const {
  if (problem_ || !options_.is_object()) return problem_;
  for (const auto& [key, value] : options_.items()) {
    if (known_.count(key)) continue;
    std::string has;
    for (const auto& k : known_) has += (has.empty() ? "" : ", ") + k;
    return "options." + key + " is not an option of " + dialect_ +
           (has.empty() ? " (it has none)" : " (it has: " + has + ")");
  }
  return std::nullopt;
}

}  // namespace gangway::adapters
