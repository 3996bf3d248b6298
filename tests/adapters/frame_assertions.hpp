#pragma once
// Golden-frame assertions shared by the adapter tests.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/render.hpp"
#include "gateway/core/model.hpp"
#include "tests/support/contract_log.hpp"

namespace gangway::adapters::testing {

// Every key of `j` as a JSON-pointer-like path, in document order.
inline void collect_keys(const OrderedJson& j, const std::string& at, std::vector<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      out.push_back(at + "/" + key);
      collect_keys(value, at + "/" + key, out);
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) collect_keys(j[i], at + "/" + std::to_string(i), out);
  }
}

inline std::vector<std::string> key_order(const OrderedJson& j) {
  std::vector<std::string> out;
  collect_keys(j, "", out);
  return out;
}

// `actual` is the frame the seed shows as `seed_text` (pretty-printed there):
// the same JSON, the same keys in the same order, the same compact bytes.
inline void expect_seed_frame(std::string_view actual, std::string_view seed_text) {
  SCOPED_TRACE(std::string("frame: ") + std::string(actual));
  gangway::test::record_frame("", "server", actual);  // checked against contracts/ by tests/contracts
  OrderedJson expected = OrderedJson::parse(seed_text);  // a bad literal is a test bug: let it throw
  OrderedJson got = OrderedJson::parse(actual, nullptr, false);
  ASSERT_FALSE(got.is_discarded()) << "not JSON";
  EXPECT_EQ(Json::parse(actual), Json::parse(seed_text));
  EXPECT_EQ(key_order(got), key_order(expected));
  EXPECT_EQ(std::string(actual), expected.dump());
}

}  // namespace gangway::adapters::testing
