// Seed 000 (circles): ws://HOST/ws/dms/{thread_id}?token=JWT, {"type": …} frames.
//
// Each room is a DM thread: socket i connects to /ws/dms/<r+1> (r = its room
// number; the seed's ids are numbers, so users and threads are too: user
// index+1, thread r+1). The route itself joins the room dm/<thread_id> (after
// the dm_access callout allows), so there is no subscribe frame: the greeting
// connection_established is sent only once every room's join is in place
// (WsSession::welcome), and it completes the setup. o.path is not used: the
// path is the dialect's (the seed's routes have no prefix).
//
// Events are published as {"event":"message","data":{…}} on gw.out.<app>.dm.<thread_id>;
// the adapter renders "message" in a DM room as the seed's nested frame
// {"type":"message","message":{"id","sender_id","text","created_at",…,"sent_ns"},"timestamp"}
// (keys it does not know, sent_ns here, follow its own in sorted order).
#include <nlohmann/json.hpp>

#include "tests/bench/jwt_mint.hpp"
#include "tests/bench/script.hpp"

namespace gangway::bench {
namespace {

// The thread id of bench room "<prefix>-room-<r>": r + 1 (the seed's ids start at 1).
std::string thread_of(const std::string& room) { return std::to_string(room_number(room) + 1); }

class CirclesScript final : public ClientScript {
 public:
  explicit CirclesScript(const Options& o)
      : o_(o), contents_(event_contents(o.payload_bytes, render(0, kSampleSentNs, "").size())) {}

  std::string name() const override { return "circles"; }

  ConnectPlan connect(const Identity& id) const override {
    // sub: a decimal user id (the gateway's user claim is "sub"; circles renders it as a number).
    return ConnectPlan{"/ws/dms/" + thread_of(id.room) +
                           "?token=" + mint_client_token(o_, std::to_string(id.index + 1), id.index),
                       {},
                       {}};
  }

  SetupStep on_setup_frame(const Identity& id, std::string_view frame, ClientStream*) const override {
    SetupStep step;
    auto j = nlohmann::json::parse(frame, nullptr, false);
    std::string type = j.is_object() ? j.value("type", "") : "";
    if (type == "connection_established") {
      // thread_id is rendered as a number for a decimal id (adapters/common/numeric_id.hpp).
      auto tid = j.find("thread_id");
      std::string got = tid == j.end()             ? ""
                        : tid->is_number_integer() ? tid->dump()
                        : tid->is_string()         ? tid->get<std::string>()
                                                   : "";
      if (got == thread_of(id.room)) {
        step.state = SetupStep::State::subscribed;
      } else {
        step.state = SetupStep::State::failed;
        step.error = "connection_established for another thread";
      }
    } else if (type == "error") {
      step.state = SetupStep::State::failed;
      step.error =
          "error " + (j.contains("code") && j["code"].is_string() ? j["code"].get<std::string>() : "?");
    }
    return step;
  }

  std::string subject(const std::string& room) const override {
    return o_.subject_prefix + ".out." + o_.app + ".dm." + thread_of(room);
  }

  std::string body(std::uint64_t seq, std::int64_t sent_ns) const override {
    return render(seq, sent_ns, contents_[seq % contents_.size()]);
  }

  void deliveries(std::string_view frame, ClientStream*, std::vector<std::int64_t>& sent_ns,
                  std::vector<std::string>&) const override {
    // circles_frames.cpp nested_message() writes exactly this start for a DM
    // "message"; presence and thread_info frames start otherwise.
    append_sent_ns_if_starts(frame, R"({"type":"message","message":)", sent_ns);
  }

 private:
  // {"event":"message","data":{"id":N,"sender_id":1,"text":"…","created_at":"…","sent_ns":N}}
  static std::string render(std::uint64_t seq, std::int64_t sent_ns, const std::string& content) {
    std::string b;
    b.reserve(content.size() + 140);
    b += R"({"event":"message","data":{"id":)";
    b += std::to_string(seq + 1);
    b += R"(,"sender_id":1,"text":")";
    b += content;
    b += R"(","created_at":")";
    b += utc_iso8601(sent_ns, true);
    b += R"(","sent_ns":)";
    b += std::to_string(sent_ns);
    b += "}}";
    return b;
  }

  const Options o_;
  std::vector<std::string> contents_;  // event_contents(): chat-like, one per event in turn
};

}  // namespace

std::unique_ptr<ClientScript> make_circles_script(const Options& o) {
  return std::make_unique<CirclesScript>(o);
}

}  // namespace gangway::bench
