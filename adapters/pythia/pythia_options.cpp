#include "adapters/pythia/pythia_options.hpp"

#include <algorithm>
#include <cstdint>

#include "adapters/common/options.hpp"
#include "gateway/core/subject.hpp"

namespace gangway::adapters::pythia {

namespace {

const Json* channel_list(const Json& body) {
  if (body.is_array()) return &body;
  if (!body.is_object()) return nullptr;
  for (const char* key : {"channel_ids", "channels"}) {
    auto it = body.find(key);
    if (it != body.end() && it->is_array()) return &*it;
  }
  return nullptr;
}

// A channel entry is its id, or an object with an "id".
const Json* id_of(const Json& entry) {
  if (entry.is_string()) return &entry;
  if (!entry.is_object()) return nullptr;
  auto it = entry.find("id");
  return it != entry.end() && it->is_string() ? &*it : nullptr;
}

}  // namespace

std::vector<std::string> member_channels(const Json& body, std::size_t limit) {
  std::vector<std::string> out;
  const Json* list = channel_list(body);
  if (!list) return out;
  for (const Json& entry : *list) {
    if (out.size() >= limit) break;
    const Json* id = id_of(entry);
    if (!id) continue;
    const auto& s = id->get_ref<const std::string&>();
    // A backend's id still becomes a NATS subject token: the same rule as a client's.
    if (!is_valid_id(s) || std::find(out.begin(), out.end(), s) != out.end()) continue;
    out.push_back(s);
  }
  return out;
}

Result<Options, std::string> parse_options(const Json& options) {
  OptionReader read(options, "pythia");
  Options o;
  o.max_auto_join = static_cast<std::size_t>(read.integer("max_auto_join_channels", kDefaultMaxAutoJoin, 0, 100'000));
  auto stop = read.choice("typing_stop_on_close", "every_close", {"every_close", "last_socket", "never"});
  if (stop == "last_socket") o.typing_stop = TypingStop::last_socket;
  if (stop == "never") o.typing_stop = TypingStop::never;
  auto announce = read.choice("join_announcements", "non_members", {"non_members", "always", "never"});
  if (announce == "always") o.announce = Announce::always;
  if (announce == "never") o.announce = Announce::never;
  o.member_pointer = read.json_pointer("member_pointer", o.member_pointer);
  if (auto problem = read.problem()) return Failure{*problem};
  return o;
}

}  // namespace gangway::adapters::pythia
