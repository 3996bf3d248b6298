#include "adapters/registry.hpp"

#include <array>

#include "adapters/circles/circles_adapter.hpp"
#include "adapters/pythia/pythia_adapter.hpp"
#include "adapters/social/social_adapter.hpp"
#include "adapters/tribe/tribe_adapter.hpp"
#include "adapters/winkr/winkr_adapter.hpp"

namespace gangway {

namespace {

// One line per dialect. Function-local statics: built on first use, thread-safe,
// and immune to static initialisation order.
const auto& all_adapters() {
  static const adapters::TribeAdapter tribe;
  static const adapters::CirclesAdapter circles;
  static const adapters::SocialAdapter social;
  static const adapters::PythiaAdapter pythia;
  static const adapters::WinkrAdapter winkr;
  static const std::array<const Adapter*, 5> all{&tribe, &circles, &social, &pythia, &winkr};
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
