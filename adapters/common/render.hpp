#pragma once
// Rendering server frames with the key order a dialect's seed shows.
//
// Frames are built as OrderedJson (insertion order). Payloads that reach an
// adapter as Json (an Event's data, parsed from NATS, has sorted keys) are put
// back into the seed's order with a KeyOrder table. Pure and thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/model.hpp"

namespace gangway::adapters {

using OrderedJson = nlohmann::ordered_json;

// The preferred position of one key; `inner` orders the keys of its value (if an
// object) or of each object in it (if an array).
struct KeyOrder {
  std::string_view key;
  std::vector<KeyOrder> inner = {};
};
using KeyOrders = std::vector<KeyOrder>;

// `j` as OrderedJson: the keys named in `order` first, in that order, then the
// remaining keys in their sorted order. Keys in `order` that `j` lacks are skipped.
OrderedJson ordered(const Json& j, const KeyOrders& order = {});

// Compact serialisation that never throws: invalid UTF-8 inside strings (which
// could only come from the backend) is replaced by U+FFFD.
std::string render(const OrderedJson& j);
std::string render(const Json& j);

}  // namespace gangway::adapters
