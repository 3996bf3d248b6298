#pragma once
// Precompiled once for the libraries (CMakeLists.txt, GANGWAY_PCH): the headers
// nearly every file of the gateway includes, so -j2 builds stay short.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>
