#include "gateway/core/json_parse.hpp"

#include <simdjson.h>

#include <cstring>
#include <vector>

namespace gangway {

namespace {

namespace dom = simdjson::dom;

// A parser keeps buffers of ~13 bytes per byte of the largest text it has seen,
// for the thread's life; bigger texts (rare: configs, long frames) go to nlohmann.
constexpr std::size_t kLargestFastText = 16 * 1024;

Json to_json(dom::element e) {
  switch (e.type()) {
    case dom::element_type::OBJECT: {
      Json out = Json::object();
      auto& members = out.get_ref<Json::object_t&>();
      // Later duplicates replace earlier ones, as nlohmann's parser does.
      for (dom::key_value_pair kv : dom::object(e)) members.insert_or_assign(std::string(kv.key), to_json(kv.value));
      return out;
    }
    case dom::element_type::ARRAY: {
      Json out = Json::array();
      auto& items = out.get_ref<Json::array_t&>();
      for (dom::element item : dom::array(e)) items.push_back(to_json(item));
      return out;
    }
    case dom::element_type::STRING: return Json(std::string(std::string_view(e)));
    case dom::element_type::INT64: {
      // nlohmann keeps non-negative integers unsigned; simdjson only those past INT64_MAX.
      const std::int64_t i = std::int64_t(e);
      return i >= 0 ? Json(static_cast<std::uint64_t>(i)) : Json(i);
    }
    case dom::element_type::UINT64: return Json(std::uint64_t(e));
    case dom::element_type::DOUBLE: return Json(double(e));
    case dom::element_type::BOOL: return Json(bool(e));
    case dom::element_type::NULL_VALUE: return Json(nullptr);
  }
  return Json(Json::value_t::discarded);
}

}  // namespace

Json parse_json(std::string_view text) {
  if (text.size() <= kLargestFastText) {
    thread_local dom::parser parser;
    thread_local std::vector<char> padded;  // simdjson reads up to SIMDJSON_PADDING bytes past the end
    padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded.data(), text.data(), text.size());
    dom::element root;
    if (parser.parse(padded.data(), text.size(), false).get(root) == simdjson::SUCCESS) return to_json(root);
  }
  return Json::parse(text, nullptr, false);
}

}  // namespace gangway
