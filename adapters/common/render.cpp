#include "adapters/common/render.hpp"

#include <algorithm>

namespace gangway::adapters {

OrderedJson ordered(const Json& j, const KeyOrders& order) {
  if (order.empty()) return OrderedJson(j);
  if (j.is_array()) {
    OrderedJson out = OrderedJson::array();
    for (const Json& item : j) out.push_back(ordered(item, order));
    return out;
  }
  if (!j.is_object()) return OrderedJson(j);
  OrderedJson out = OrderedJson::object();
  for (const KeyOrder& k : order) {
    if (auto it = j.find(k.key); it != j.end()) out[std::string(k.key)] = ordered(*it, k.inner);
  }
  for (const auto& [key, value] : j.items()) {
    bool listed = std::any_of(order.begin(), order.end(), [&](const KeyOrder& k) { return k.key == key; });
    if (!listed) out[key] = OrderedJson(value);
  }
  return out;
}

std::string render(const OrderedJson& j) {
  return j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

std::string render(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace gangway::adapters
