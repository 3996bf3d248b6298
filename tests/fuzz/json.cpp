// libFuzzer target fuzz_json: parse_json(), the one parser behind every JSON
// the gateway reads, against its contract (gateway/core/json_parse.hpp): it
// takes what nlohmann's parser takes and builds an equal value (simdjson
// parses the short texts, nlohmann the rest and whatever simdjson refuses),
// and nothing nested deeper than max_json_depth() comes out.
#include "gateway/core/json_parse.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace gangway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const std::size_t limit = max_json_depth();
  const std::size_t depth = json_depth(text, limit);
  JsonRefusal why = JsonRefusal::none;
  const Json ours = parse_json(text, &why);
  fuzz::check(ours.is_discarded() == (why != JsonRefusal::none),
              "a refusal says why, an acceptance does not");
  if (depth > limit) {
    fuzz::check(ours.is_discarded(), "nothing nested past the bound is accepted");
    return 0;
  }
  fuzz::check(why != JsonRefusal::too_deep, "too_deep only past the bound");
  const Json reference = Json::parse(text, nullptr, false);
  fuzz::check(ours.is_discarded() == reference.is_discarded(), "accepts exactly what nlohmann accepts");
  // == compares numbers across nlohmann's integer kinds ("-0" is unsigned here, signed there).
  if (!ours.is_discarded()) fuzz::check(ours == reference, "builds the value nlohmann builds");
  return 0;
}
