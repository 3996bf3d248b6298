// Seed 002 (tribe): ws://HOST/api/v1/ws?token=JWT, {"event": …} envelopes.
#include <nlohmann/json.hpp>

#include "tests/bench/jwt_mint.hpp"
#include "tests/bench/script.hpp"

namespace gangway::bench {
namespace {

class TribeScript final : public ClientScript {
 public:
  explicit TribeScript(const Options& o) : o_(o), contents_(event_contents(o.payload_bytes)) {}

  std::string name() const override { return "tribe"; }

  ConnectPlan connect(const Identity& id) const override {
    return ConnectPlan{o_.path + "?token=" + mint_client_token(o_, id.user, id.index), {}, {}};
  }

  SetupStep on_setup_frame(const Identity& id, std::string_view frame, ClientStream*) const override {
    SetupStep step;
    auto j = nlohmann::json::parse(frame, nullptr, false);
    std::string event = j.is_object() ? j.value("event", "") : "";
    if (event == "connected") {
      step.send.push_back(
          nlohmann::json{{"event", "subscribe"}, {"channel", "conversation"}, {"conversation_id", id.room}}
              .dump());
    } else if (event == "subscribed" && j.value("conversation_id", "") == id.room) {
      step.state = SetupStep::State::subscribed;
    } else if (event == "error") {
      step.state = SetupStep::State::failed;
      step.error = "error " + j.value("code", std::string("?"));
    }
    return step;
  }

  std::string subject(const std::string& room) const override {
    return o_.subject_prefix + ".out." + o_.app + ".conversation." + room;
  }

  std::string body(std::uint64_t seq, std::int64_t sent_ns) const override {
    return event_body(seq, sent_ns, contents_);
  }

  void deliveries(std::string_view frame, ClientStream*, std::vector<std::int64_t>& sent_ns,
                  std::vector<std::string>&) const override {
    // The gateway renders "event" first.
    append_sent_ns_if_starts(frame, R"({"event":"message.new")", sent_ns);
  }

 private:
  const Options o_;
  std::vector<std::string> contents_;  // event_contents(): chat-like, one per event in turn
};

}  // namespace

std::unique_ptr<ClientScript> make_tribe_script(const Options& o) { return std::make_unique<TribeScript>(o); }

}  // namespace gangway::bench
