#pragma once
// Parsing JSON on the hot paths: every event from NATS, every client frame,
// every token's header and claims.
//
// Same contract as nlohmann's Json::parse(text, nullptr, false): the document,
// or a discarded value if `text` is not exactly one JSON value. simdjson
// parses the text (~4x faster than nlohmann's lexer on a 200-byte event); the
// nlohmann value is then built from its tape. Documents simdjson refuses are
// parsed again by nlohmann, which decides, so the two accept the same texts
// (nlohmann also takes a UTF-8 BOM, integers past 64 bits as floats), and
// build equal values of the same types (but "-0": unsigned here, signed there).
// Thread-safe: each thread keeps its own parser.
#include <string_view>

#include "gateway/core/model.hpp"

namespace gangway {

Json parse_json(std::string_view text);

}  // namespace gangway
