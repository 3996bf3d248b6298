#pragma once
#include <string>

namespace demo {

// A random (version 4) UUID, e.g. "3f2b8c1e-9d4a-4f6b-8e21-7c5d9a0b1e2f".
// Thread-safe. Its characters all pass gangway::is_valid_id().
std::string new_uuid();

}  // namespace demo
