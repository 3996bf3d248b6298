#pragma once
// The dialects this build speaks, listed explicitly in registry.cpp (no static
// self-registration): adding a dialect is one line there.
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"

namespace gangway {

// The adapter for `dialect` (e.g. "tribe"), or nullptr if there is none. The
// adapter lives for the whole program and is shared by every loop. Case-sensitive.
const Adapter* find_adapter(std::string_view dialect);

// Every dialect find_adapter() knows, in registration order (for --check-config
// messages and docs).
std::vector<std::string_view> adapter_names();

}  // namespace gangway
