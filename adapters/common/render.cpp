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
    bool listed =
        std::any_of(order.begin(), order.end(), [&key = key](const KeyOrder& k) { return k.key == key; });
    if (!listed) out[key] = OrderedJson(value);
  }
  return out;
}

namespace {

using Serializer = nlohmann::detail::serializer<Json>;

// Bytes nlohmann writes unchanged inside a string: printable ASCII but the quote
// and the backslash. Strings made only of them (most keys and chat text) skip
// its per-byte UTF-8 decoder.
bool verbatim(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
}

void quote(std::string& out, std::string_view s) {
  out += '"';
  out += s;
  out += '"';
}

void write_string(Serializer& serializer, std::string& out, std::string_view s) {
  if (verbatim(s)) return quote(out, s);
  serializer.dump(Json(s), false, false, 0);
}

void write_ordered(Serializer& serializer, std::string& out, const Json& j, const KeyOrders& order) {
  if (j.is_string()) return write_string(serializer, out, j.get_ref<const std::string&>());
  if (!j.is_structured()) return serializer.dump(j, false, false, 0);
  const KeyOrders none;
  if (j.is_array()) {
    out += '[';
    for (std::size_t i = 0; i < j.size(); ++i) {
      if (i) out += ',';
      write_ordered(serializer, out, j[i], order);
    }
    out += ']';
    return;
  }
  out += '{';
  bool first = true;
  auto member = [&](std::string_view key, const Json& value, const KeyOrders& inner) {
    if (!first) out += ',';
    first = false;
    write_string(serializer, out, key);
    out += ':';
    write_ordered(serializer, out, value, inner);
  };
  for (const KeyOrder& k : order) {
    if (auto it = j.find(k.key); it != j.end()) member(k.key, *it, k.inner);
  }
  for (const auto& [key, value] : j.items()) {
    bool listed =
        std::any_of(order.begin(), order.end(), [&key = key](const KeyOrder& k) { return k.key == key; });
    if (!listed) member(key, value, none);
  }
  out += '}';
}

Serializer serializer_into(std::string& out) {
  return Serializer(nlohmann::detail::output_adapter<char>(out), ' ', Json::error_handler_t::replace);
}

}  // namespace

void append_ordered(std::string& out, const Json& j, const KeyOrders& order) {
  Serializer serializer = serializer_into(out);
  write_ordered(serializer, out, j, order);
}

void append_string(std::string& out, std::string_view s) {
  if (verbatim(s)) return quote(out, s);  // without a serializer's set-up
  Serializer serializer = serializer_into(out);
  write_string(serializer, out, s);
}

std::string render(const OrderedJson& j) {
  return j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

std::string render(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace gangway::adapters
