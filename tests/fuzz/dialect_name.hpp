#pragma once
// The dialect a fuzz_decode_<dialect> binary decodes (dialect_name.cpp, built
// once per dialect with GANGWAY_FUZZ_DIALECT defined).
#include <string_view>

namespace gangway::fuzz {

std::string_view dialect();

}  // namespace gangway::fuzz
