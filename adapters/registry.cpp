#include "adapters/registry.hpp"

#include <array>

#include "adapters/circles/circles_adapter.hpp"
#include "adapters/common/options.hpp"
#include "adapters/pythia/pythia_adapter.hpp"
#include "adapters/social/social_adapter.hpp"
#include "adapters/tribe/tribe_adapter.hpp"
#include "adapters/winkr/winkr_adapter.hpp"

namespace gangway {

namespace {

using Made = Result<std::unique_ptr<const Adapter>, std::string>;

// A dialect without options: any key is a mistake.
template <class A>
Made without_options(const Json& options) {
  A adapter;
  adapters::OptionReader read(options, adapter.name());
  if (auto problem = read.problem()) return Failure{*problem};
  return std::unique_ptr<const Adapter>(std::make_unique<A>());
}

// A dialect whose adapter takes the options its parse_options reads.
template <class A, auto parse>
Made with_options(const Json& options) {
  auto parsed = parse(options);
  if (!parsed) return Failure{parsed.error()};
  return std::unique_ptr<const Adapter>(std::make_unique<A>(*parsed));
}

// One line per dialect.
constexpr std::array kDialects{
    Dialect{"tribe", &without_options<adapters::TribeAdapter>},
    Dialect{"circles", &with_options<adapters::CirclesAdapter, &adapters::circles::parse_options>},
    Dialect{"social", &without_options<adapters::SocialAdapter>},
    Dialect{"pythia", &with_options<adapters::PythiaAdapter, &adapters::pythia::parse_options>},
    Dialect{"winkr", &without_options<adapters::WinkrAdapter>},
};

}  // namespace

const Dialect* find_dialect(std::string_view name) {
  for (const Dialect& d : kDialects)
    if (d.name == name) return &d;
  return nullptr;
}

std::vector<std::string_view> dialect_names() {
  std::vector<std::string_view> names;
  for (const Dialect& d : kDialects) names.push_back(d.name);
  return names;
}

std::unique_ptr<const Adapter> make_adapter(std::string_view dialect) {
  const Dialect* d = find_dialect(dialect);
  if (!d) return nullptr;
  auto made = d->make(Json());
  return made ? std::move(*made) : nullptr;
}

}  // namespace gangway
