#pragma once
// What this binary is: `gangway --version` and the gangway_build_info metric.
// The gangway executable sets it at start from a file the build writes
// (cmake/build_info.cmake); libraries and tests see the defaults.
#include <string>

namespace gangway {

struct BuildInfo {
  std::string version = "dev";  // the project's version (CMakeLists.txt)
  std::string commit;           // the git commit built ("…-dirty" with local changes); empty when unknown
  std::string build_type;       // CMAKE_BUILD_TYPE: Check, Release, …
  std::string compiler;         // e.g. "GNU 12.2.0"
};

// Set once in main(), before any thread starts; read from any thread after.
void set_build_info(BuildInfo info);
const BuildInfo& build_info();

}  // namespace gangway
