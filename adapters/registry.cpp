#include "adapters/registry.hpp"

#include <array>

#include "adapters/tribe/tribe_adapter.hpp"

namespace gangway {

namespace {

// One line per dialect. Function-local statics: built on first use, thread-safe,
// and immune to static initialisation order.
const auto& all_adapters() {
  static const adapters::TribeAdapter tribe;
  static const std::array<const Adapter*, 1> all{&tribe};
  return all;
}

}  // namespace

const Adapter* find_adapter(std::string_view dialect) {
  for (const Adapter* a : all_adapters()) {
    if (a->name() == dialect) return a;
  }
  return nullptr;
}

std::vector<std::string_view> adapter_names() {
  std::vector<std::string_view> names;
  for (const Adapter* a : all_adapters()) names.push_back(a->name());
  return names;
}

}  // namespace gangway
