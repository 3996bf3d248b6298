#include "gateway/core/json_parse.hpp"

#include <simdjson.h>

#include <atomic>
#include <cstring>
#include <vector>

namespace gangway {

namespace {

namespace dom = simdjson::dom;

// A parser keeps buffers of ~13 bytes per byte of the largest text it has seen,
// for the thread's life; bigger texts (rare: configs, long frames) go to nlohmann.
constexpr std::size_t kLargestFastText = 16 * 1024;

std::atomic<std::size_t> max_depth{kDefaultMaxJsonDepth};

// Recursion bounded by the parser's max_depth.
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

Json refused(JsonRefusal reason, JsonRefusal* why) {
  if (why) *why = reason;
  return Json(Json::value_t::discarded);
}

}  // namespace

void set_max_json_depth(std::size_t depth) { max_depth.store(depth < 1 ? 1 : depth, std::memory_order_relaxed); }

std::size_t max_json_depth() { return max_depth.load(std::memory_order_relaxed); }

std::size_t json_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // the escaped character cannot end the string
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Json parse_json(std::string_view text, JsonRefusal* why, std::size_t extra_levels) {
  if (why) *why = JsonRefusal::none;
  const std::size_t limit = max_json_depth() + extra_levels;
  if (text.size() <= kLargestFastText) {
    thread_local dom::parser parser;
    // simdjson refuses a document once `limit` non-empty containers are open
    // (an empty one does not count): everything it takes is within the
    // bound, and what it refuses for depth is decided exactly below.
    if (parser.max_depth() != limit && parser.allocate(kLargestFastText, limit) != simdjson::SUCCESS)
      return refused(JsonRefusal::malformed, why);  // out of memory: nothing can be parsed anyway
    thread_local std::vector<char> padded;  // simdjson reads up to SIMDJSON_PADDING bytes past the end
    padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded.data(), text.data(), text.size());
    dom::element root;
    auto error = parser.parse(padded.data(), text.size(), false).get(root);
    if (error == simdjson::SUCCESS) return to_json(root);
  }
  // nlohmann's parser keeps its own stack (no recursion), but what would use
  // the value afterwards recurses: refuse before building it.
  if (json_depth(text, limit) > limit) return refused(JsonRefusal::too_deep, why);
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() && why) *why = JsonRefusal::malformed;
  return j;
}

}  // namespace gangway
