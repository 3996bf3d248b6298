// Seed 003 (social): ws://HOST/ws with a session cookie, {"type": …} frames.
//
// A social client never joins anything: the gateway asks the backend for the
// user's groups (the user_groups callout) and joins them before it reads the
// first frame. The bench encodes socket i's room r in its numeric user id,
//   user_id = r * kGroupStride + i + 1,
// so the allow backend (allow_backend.cpp) can answer, without knowing
// --rooms, session_id=<user_id> -> {"user_id": <user_id>, "username": …} and
// /users/<user_id>/groups -> {"group_ids": [<user_id> / kGroupStride]}.
//
// Readiness: the seed sends nothing on connect, so the socket sends a probe
// the gateway can only refuse — a broadcast by a non-administrator (the
// backend never sets is_admin) — and the refusal, {"type":"error","code":
// "forbidden",…}, comes only after the gateway's reads started, which is after
// every room of the socket (its groups included) is subscribed.
#include <charconv>
#include <nlohmann/json.hpp>

#include "tests/bench/script.hpp"

namespace gangway::bench {
namespace {

constexpr std::uint64_t kGroupStride = 100'000'000;  // > the 10'000'000 sockets options allow

class SocialScript final : public ClientScript {
 public:
  explicit SocialScript(const Options& o)
      : o_(o), contents_(event_contents(o.payload_bytes, render(kSampleSentNs, "").size())) {}

  std::string name() const override { return "social"; }

  ConnectPlan connect(const Identity& id) const override {
    std::uint64_t user_id = room_number(id.room) * kGroupStride + id.index + 1;
    // A browser's Origin (the app's allowed_origins must list it; a missing one would pass too).
    return ConnectPlan{o_.path,
                       {{"Cookie", "session_id=" + std::to_string(user_id)},
                        {"Origin", "http://" + o_.host + ":" + std::to_string(o_.port)}},
                       {R"({"type":"broadcast","content":"gangway-load probe"})"}};
  }

  SetupStep on_setup_frame(const Identity&, std::string_view frame, ClientStream*) const override {
    SetupStep step;
    auto j = nlohmann::json::parse(frame, nullptr, false);
    if (!j.is_object() || j.value("type", "") != "error") return step;  // an early event: keep waiting
    std::string code = j.value("code", std::string("?"));
    if (code == "forbidden") {
      step.state = SetupStep::State::subscribed;  // the probe's refusal: the groups are joined
    } else {
      step.state = SetupStep::State::failed;
      step.error = "error " + code;
    }
    return step;
  }

  std::string subject(const std::string& room) const override {
    return o_.subject_prefix + ".out." + o_.app + ".group." + std::to_string(room_number(room));
  }

  std::string body(std::uint64_t seq, std::int64_t sent_ns) const override {
    return render(sent_ns, contents_[seq % contents_.size()]);
  }

  void deliveries(std::string_view frame, ClientStream*, std::vector<std::int64_t>& sent_ns,
                  std::vector<std::string>&) const override {
    // Rendered {"type":"group","group_id":"<r>","content":"<sent_ns> …","timestamp":…}.
    constexpr std::string_view kPrefix = R"({"type":"group","group_id":")";
    constexpr std::string_view kContent = R"(","content":")";
    if (!frame.starts_with(kPrefix)) return;
    auto at = frame.find(kContent, kPrefix.size());
    if (at == std::string_view::npos) return;
    const char* first = frame.data() + at + kContent.size();
    std::int64_t ns = 0;
    auto [end, ec] = std::from_chars(first, frame.data() + frame.size(), ns);
    if (ec == std::errc() && end != first) sent_ns.push_back(ns);
  }

 private:
  // {"event":"group","data":{"content":"<sent_ns> <chat text>","timestamp":<s>}}: render_group
  // keeps only type, group_id (the room's), content and timestamp, so the send
  // time rides at the start of the content.
  static std::string render(std::int64_t sent_ns, const std::string& text) {
    std::string b;
    b.reserve(text.size() + 96);
    b += R"({"event":"group","data":{"content":")";
    b += std::to_string(sent_ns);
    if (!text.empty()) {
      b += ' ';
      b += text;
    }
    b += R"(","timestamp":)";
    b += std::to_string(sent_ns / 1'000'000'000);
    b += "}}";
    return b;
  }

  const Options o_;
  std::vector<std::string> contents_;  // event_contents(): chat-like, one per event in turn
};

}  // namespace

std::unique_ptr<ClientScript> make_social_script(const Options& o) {
  return std::make_unique<SocialScript>(o);
}

}  // namespace gangway::bench
