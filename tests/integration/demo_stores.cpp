#include "tests/integration/demo_stores.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace gangway::test {

using nlohmann::json;

DemoStores demo_stores(const std::string& app) {
  std::ifstream in(GANGWAY_SOURCE_DIR "/deploy/gangway.demo.json");
  std::stringstream text;
  text << in.rdbuf();
  json config = json::parse(text.str(), nullptr, false);
  DemoStores out{json::object(), json::object()};
  if (config.is_discarded()) {
    ADD_FAILURE() << "deploy/gangway.demo.json is not JSON";
    return out;
  }
  for (const auto& a : config["apps"]) {
    if (a.value("name", "") != app) continue;
    out.persist = a.value("persist", json::object());
    for (const auto& [kind, entry] : out.persist.items())
      out.callouts[entry["callout"].get<std::string>()] = a["callouts"][entry["callout"].get<std::string>()];
    return out;
  }
  ADD_FAILURE() << "deploy/gangway.demo.json has no app " << app;
  return out;
}

}  // namespace gangway::test
