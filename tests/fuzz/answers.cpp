// libFuzzer target fuzz_answers: a backend's HTTP answer body as the gateway
// reads it. classify_response() (gateway/backend/response_rule) with and
// without an allow rule; an allowing body then lands in the session's
// context, where every dialect's plan_open() and on_open() read it (pythia's
// channel list, social's groups, circles' thread). The same body as the
// answer of the presence queries every dialect renders (render_query).
// Corpus: the demo backend's answers and the seeds' REST examples.
#include "adapters/registry.hpp"
#include "gateway/backend/response_rule.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace gangway;

namespace {

const std::vector<backend::CalloutSpec>& specs() {
  static const std::vector<backend::CalloutSpec> all = [] {
    backend::CalloutSpec plain, rule, bad_rule;
    rule.allow_pointer = "/allowed";
    rule.allow_equals = true;
    bad_rule.allow_pointer = "allowed";  // not a JSON pointer: fails closed
    return std::vector<backend::CalloutSpec>{plain, rule, bad_rule};
  }();
  return all;
}

void open_with(const Adapter& adapter, const Json& body) {
  for (SessionInfo s : fuzz::sessions_for(adapter.name())) {
    s.context = Json::object();
    for (const std::string& callout : adapter.required_callouts()) s.context[callout] = body;
    adapter.plan_open(s);
    adapter.on_open(s);
  }
}

void render_queries(const Adapter& adapter, const Json& answer) {
  const SessionInfo s = fuzz::sessions_for(adapter.name()).front();
  for (const RoomKey& room : fuzz::every_room()) {
    for (const char* kind : {"online_users", "user_online"}) {
      Action a;
      a.type = Action::Type::query;
      a.kind = kind;
      a.room = room;
      adapter.render_query(a, answer, s);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto adapters = fuzz::every_adapter();
  const std::string_view body = fuzz::as_text(data, size);
  bool allowed = false;
  Json parsed;
  for (const auto& spec : specs()) {
    auto r = backend::classify_response(spec, 200, body);
    fuzz::check(!r.allowed() || spec.allow_pointer.empty() || !r.body.is_null(), "a rule allows only a body");
    if (r.allowed()) allowed = true, parsed = std::move(r.body);
  }
  if (!allowed) return 0;
  for (const auto& made : adapters) {
    const Adapter& adapter = *made;
    open_with(adapter, parsed);
    render_queries(adapter, parsed);
  }
  return 0;
}
