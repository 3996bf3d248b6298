#pragma once
// JSON texts nested far past any sane document, for the regression tests of
// every place the gateway reads JSON (docs/configuration.md, max_json_depth).
#include <cstddef>
#include <string>
#include <string_view>

namespace gangway::test {

// `levels` arrays around `inner`: [[[…inner…]]].
inline std::string nested_arrays(std::size_t levels, std::string_view inner = "") {
  std::string s(levels, '[');
  s += inner;
  s.append(levels, ']');
  return s;
}

// `levels` objects, each the value of "a" in the one around it: {"a":{"a":…{}}}.
inline std::string nested_objects(std::size_t levels) {
  std::string s;
  s.reserve(levels * 6);
  for (std::size_t i = 1; i < levels; ++i) s += "{\"a\":";
  s += "{}";
  s.append(levels - 1, '}');
  return s;
}

// The depths every entry point is tested at: past a loop's stack before the
// bound existed (~18,000 levels crashed), and far past it.
inline constexpr std::size_t kDeepLevels[] = {20'000, 1'000'000};

}  // namespace gangway::test
