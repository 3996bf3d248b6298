#pragma once
// The stores of deploy/gangway.demo.json, for the test stacks that build "an
// app like the demo's": the integration tests then store exactly as the demo
// does (request templates on the demo backend's REST endpoints).
#include <nlohmann/json.hpp>
#include <string>

namespace gangway::test {

struct DemoStores {
  nlohmann::json callouts;  // the callouts the persist entries name
  nlohmann::json persist;   // the app's "persist", as in the file
};

// The demo config's app `app` (its "name"): its persist section and the
// callouts it names. A test failure, and empty objects, if there is no such app.
DemoStores demo_stores(const std::string& app);

}  // namespace gangway::test
