#pragma once
// Rendering server frames with the key order a dialect's seed shows.
//
// Frames are built as OrderedJson (insertion order). Payloads that reach an
// adapter as Json (an Event's data, parsed from NATS, has sorted keys) are put
// back into the seed's order with a KeyOrder table. A frame sent for every
// event is written straight into its string instead (append_ordered), the
// same bytes without the copy. Pure and thread-safe.
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

// Appends `j` to `out` exactly as render(ordered(j, order)) would, without
// building the OrderedJson copy: for frames rendered once per event.
void append_ordered(std::string& out, const Json& j, const KeyOrders& order = {});
// Appends `s` as a JSON string, exactly as render(Json(s)) would.
void append_string(std::string& out, std::string_view s);

// Compact serialisation that never throws: invalid UTF-8 inside strings (which
// could only come from the backend) is replaced by U+FFFD.
std::string render(const OrderedJson& j);
std::string render(const Json& j);

}  // namespace gangway::adapters
