// libFuzzer target fuzz_routing: the strings Gangway parses itself before an
// adapter sees anything. From a client's upgrade request: the request target
// (parse_target: path and percent-decoded query, where the token of the
// query-token dialects is read), the path against every dialect's route
// template, and the Cookie header (cookie_value). From NATS: the gw.out
// subject an event arrives on (Subjects::parse_outbound). And, config-time,
// a route template itself.
//
// Not here: the Authorization header's "Bearer " split and the choice among
// token sources run inline in the session's authenticate() (gateway/net), not
// as a function of their own; the token itself is fuzz_jwt's input.
#include <stdexcept>

#include "gateway/core/route.hpp"
#include "gateway/core/subject.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace gangway;

namespace {

// Every route of deploy/gangway.demo.json.
const std::vector<RouteTemplate>& routes() {
  static const std::vector<RouteTemplate> all = {
      RouteTemplate("/api/v1/ws"),
      RouteTemplate("/ws/dms/{thread_id}"),
      RouteTemplate("/ws/user/{user_id}"),
      RouteTemplate("/ws/places/{place_id}/chat"),
      RouteTemplate("/ws"),
  };
  return all;
}

void request_target(std::string_view text) {
  Target t = parse_target(text);
  fuzz::check(text.substr(0, t.path.size()) == t.path, "the path is the target up to its query");
  for (const auto& [key, value] : t.query) fuzz::check(!key.empty(), "no query parameter without a name");
  for (const RouteTemplate& route : routes()) {
    if (auto params = route.match(t.path))
      for (const auto& [name, value] : *params) fuzz::check(is_valid_id(value), "route params are valid ids");
  }
}

void nats_subject(std::string_view text) {
  static const Subjects subjects("gw");
  if (auto out = subjects.parse_outbound(text))
    fuzz::check(subjects.outbound(out->app, out->room) == text, "a parsed subject is the one it came from");
}

void route_template(std::string_view text) {
  try {
    RouteTemplate t(text);
    t.match(text);
  } catch (const std::invalid_argument&) {
    // A bad template is a config error, refused at startup with this exception.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  request_target(text);
  url_decode(text);
  cookie_value(text, "session_id");
  cookie_value(text, "");
  nats_subject(text);
  route_template(text);
  return 0;
}
