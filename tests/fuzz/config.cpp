// libFuzzer target fuzz_config: the configuration file, parse_config() (what
// `gangway --check-config` runs), then each app's JWT keys made into a
// verifier as the gateway does at startup (PEM parsing; an unusable key is
// refused with std::invalid_argument, a startup error).
// Corpus: deploy/gangway.demo.json and the examples of docs/configuration.md.
// A config naming a key file (public_key_file) makes the target read it: the
// corpus names none, and a mutation naming /dev/zero would show as a timeout.
#include "gateway/config/config.hpp"

#include <stdexcept>

#include "tests/fuzz/fuzz_support.hpp"

using namespace gangway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto config = parse_config(fuzz::as_text(data, size));
  if (!config) {
    fuzz::check(!config.error().empty(), "a refused config says why");
    return 0;
  }
  for (const AppConfig& app : config->apps) {
    if (app.jwt.keys.empty()) continue;
    try {
      auth::JwtVerifier verifier(app.jwt);
    } catch (const std::invalid_argument&) {
      // An unusable key: the gateway refuses to start, naming it.
    }
  }
  return 0;
}
