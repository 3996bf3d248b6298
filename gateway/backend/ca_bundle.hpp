#pragma once
// CA bundles for https callouts and key sets: the PEM files `backend.ca_file`
// and `jwt.jwks_ca_file` name. cpp-httplib reads one only when it first
// connects, and a bad one then fails every request; this checks it at startup.
#include <string>

namespace gangway::backend {

// Empty if `path` holds at least one PEM certificate; else what is wrong
// ("cannot read …", "… holds no PEM certificate"). Blocking (reads the file).
std::string ca_bundle_problem(const std::string& path);

}  // namespace gangway::backend
