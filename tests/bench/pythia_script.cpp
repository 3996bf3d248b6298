// Seed 001 (pythia): ws://HOST/ws?token=JWT, {"type": …} frames.
//
// Each bench room is a channel: socket i's channel id is its room name
// ("<prefix>-room-<r>", already a valid id of [A-Za-z0-9_-]). The token's sub is
// the user id (id.user) and its username claim the name the greeting shows.
// The gateway calls user_channels on open (auto-join; the allow-all backend's
// {"allowed":true} lists no channel), then sends connection_established; the
// script answers it with {"type":"join_channel","channel_id":…}. The gateway
// checks channel_access, joins the room, and only then sends
// {"type":"channel_joined","channel_id":…,"timestamp":…} (session_actions.cpp:
// the reply follows join()'s ready callback), which completes the setup.
//
// Events are published as {"event":"new_message","data":{…}} on
// gw.out.<app>.channel.<channel_id>; the adapter renders them as the seed's
// {"type":"new_message","data":{"id","content","userId","createdAt","sent_ns"},"timestamp"}
// (pythia_frames.cpp nested_frame: keys it does not know, sent_ns here, follow its own in sorted order).
// o.path is the route (the demo's is /ws).
#include <nlohmann/json.hpp>

#include "tests/bench/jwt_mint.hpp"
#include "tests/bench/script.hpp"

namespace gangway::bench {
namespace {

// {"event":"new_message","data":{"id":"<seq>","content":"…","userId":…,"createdAt":…,"sent_ns":N}}:
// the seed's message without updatedAt, user and channelId (body() does not know the
// room), so that a 200-byte payload still leaves room for content.
std::string message_body(std::uint64_t seq, std::int64_t sent_ns, const std::string& content) {
  std::string b;
  b.reserve(content.size() + 160);
  b += R"({"event":"new_message","data":{"id":")";
  b += std::to_string(seq);
  b += R"(","content":")";
  b += content;
  b += R"(","userId":"load-publisher","createdAt":")";
  b += utc_iso8601(sent_ns, false);  // the seed's "2024-01-07T10:30:00Z"
  b += R"(","sent_ns":)";
  b += std::to_string(sent_ns);
  b += "}}";
  return b;
}

class PythiaScript final : public ClientScript {
 public:
  explicit PythiaScript(const Options& o)
      : o_(o), contents_(event_contents(o.payload_bytes, message_body(0, kSampleSentNs, "").size())) {}

  std::string name() const override { return "pythia"; }

  ConnectPlan connect(const Identity& id) const override {
    // sub: the user id (the gateway's user claim); username: what connection_established shows.
    return ConnectPlan{
        o_.path + "?token=" + mint_client_token(o_, id.user, id.index, {{"username", id.user}}), {}, {}};
  }

  SetupStep on_setup_frame(const Identity& id, std::string_view frame, ClientStream*) const override {
    SetupStep step;
    auto j = nlohmann::json::parse(frame, nullptr, false);
    std::string type = j.is_object() ? j.value("type", "") : "";
    if (type == "connection_established") {
      step.send.push_back(nlohmann::json{{"type", "join_channel"}, {"channel_id", id.room}}.dump());
    } else if (type == "channel_joined" && j.value("channel_id", "") == id.room) {
      step.state = SetupStep::State::subscribed;
    } else if (type == "error") {
      step.state = SetupStep::State::failed;
      auto code = j.find("error_code");
      step.error =
          "error " + (code != j.end() && code->is_string() ? code->get<std::string>() : std::string("?"));
    }
    return step;
  }

  std::string subject(const std::string& room) const override {
    return o_.subject_prefix + ".out." + o_.app + ".channel." + room;
  }

  std::string body(std::uint64_t seq, std::int64_t sent_ns) const override {
    return message_body(seq, sent_ns, contents_[seq % contents_.size()]);
  }

  void deliveries(std::string_view frame, ClientStream*, std::vector<std::int64_t>& sent_ns,
                  std::vector<std::string>&) const override {
    // pythia_frames.cpp nested_frame() writes exactly this start for new_message;
    // user_status, typing_indicator and the replies start otherwise.
    append_sent_ns_if_starts(frame, R"({"type":"new_message","data":)", sent_ns);
  }

 private:
  const Options o_;
  std::vector<std::string> contents_;  // event_contents(): chat-like, one per event in turn
};

}  // namespace

std::unique_ptr<ClientScript> make_pythia_script(const Options& o) {
  return std::make_unique<PythiaScript>(o);
}

}  // namespace gangway::bench
