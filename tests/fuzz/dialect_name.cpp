#include "tests/fuzz/dialect_name.hpp"

namespace gangway::fuzz {

std::string_view dialect() { return GANGWAY_FUZZ_DIALECT; }

}  // namespace gangway::fuzz
