#pragma once
// The dialects this build speaks, listed explicitly in registry.cpp (no static
// self-registration): adding a dialect is one line there. Each dialect has a
// factory, as Envoy's extensions do: it reads an app's "options" into the
// dialect's typed options once, when the config is loaded, and makes that
// app's adapter, or says which option is wrong.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "gateway/core/result.hpp"

namespace gangway {

struct Dialect {
  std::string_view name;  // e.g. "tribe"
  // The adapter of an app whose "options" are `options` (an object, or null
  // for none); a bad or unknown option is an error naming it
  // ("options.window_hours must be an integer from 1 to 8760").
  Result<std::unique_ptr<const Adapter>, std::string> (*make)(const Json& options);
};

// The dialect called `name` (case-sensitive), or nullptr if there is none.
const Dialect* find_dialect(std::string_view name);

// Every dialect find_dialect() knows, in registration order (for --check-config
// messages and docs).
std::vector<std::string_view> dialect_names();

// The dialect's adapter with its default options (tests and tools), or
// nullptr for an unknown dialect.
std::unique_ptr<const Adapter> make_adapter(std::string_view dialect);

}  // namespace gangway
