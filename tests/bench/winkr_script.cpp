// Seed 004 (winkr): ws://HOST/ws with "Authorization: Bearer JWT",
// {"event": "noun:verb", "data": {...}} envelopes. A socket joins its
// conversation with conversation:join; conversation:joined is sent once the
// room is joined (WsSession::execute, Type::subscribe), so it marks the end of setup.
#include <nlohmann/json.hpp>

#include "tests/bench/jwt_mint.hpp"
#include "tests/bench/script.hpp"

namespace gangway::bench {
namespace {

class WinkrScript final : public ClientScript {
 public:
  explicit WinkrScript(const Options& o)
      : o_(o),
        publisher_(o.id_prefix + "-publisher"),
        contents_(event_contents(o.payload_bytes, render(0, kSampleSentNs, "").size())) {}

  std::string name() const override { return "winkr"; }

  ConnectPlan connect(const Identity& id) const override {
    // The gateway takes the user id from "sub" and winkr's "username" from the username claim.
    return ConnectPlan{
        o_.path,
        {{"Authorization", "Bearer " + mint_client_token(o_, id.user, id.index, {{"username", id.user}})}},
        {}};
  }

  SetupStep on_setup_frame(const Identity& id, std::string_view frame, ClientStream*) const override {
    SetupStep step;
    auto j = nlohmann::json::parse(frame, nullptr, false);
    if (!j.is_object()) return step;
    std::string event = j.value("event", "");
    const nlohmann::json empty = nlohmann::json::object();
    auto d = j.find("data");
    const nlohmann::json& data = d != j.end() && d->is_object() ? *d : empty;
    if (event == "connection:established") {
      // The seed's key order: "event" first.
      step.send.push_back(R"({"event":"conversation:join","data":{"conversation_id":)" +
                          nlohmann::json(id.room).dump() + "}}");
    } else if (event == "conversation:joined" && data.value("conversation_id", "") == id.room) {
      step.state = SetupStep::State::subscribed;
    } else if (event == "error") {
      step.state = SetupStep::State::failed;
      step.error = "error " + data.value("code", std::string("?"));
    } else if (event == "connection:closed") {
      step.state = SetupStep::State::failed;
      step.error = "connection:closed " + data.value("reason", std::string("?"));
    }
    // Anything else (user:online of other sockets joining) is not ours to wait for.
    return step;
  }

  std::string subject(const std::string& room) const override {
    return o_.subject_prefix + ".out." + o_.app + ".conversation." + room;
  }

  // The seed's message:new, as a backend that stored the message would publish
  // it; sent_ns rides in the message's free-form "metadata". The adapter keeps
  // every field (unknown keys after the seed's), so the rendered frame is
  // {"event":"message:new","data":{"message":{"id":…,"sender_id":…,"content":…,"type":"text",
  //  "created_at":…,"updated_at":…,"is_read":false,"metadata":{"sent_ns":N}},"sender":{…}},"timestamp":…}
  std::string body(std::uint64_t seq, std::int64_t sent_ns) const override {
    return render(seq, sent_ns, contents_[seq % contents_.size()]);
  }

  void deliveries(std::string_view frame, ClientStream*, std::vector<std::int64_t>& sent_ns,
                  std::vector<std::string>&) const override {
    // winkr::envelope() writes "event" first.
    append_sent_ns_if_starts(frame, R"({"event":"message:new")", sent_ns);
  }

 private:
  std::string render(std::uint64_t seq, std::int64_t sent_ns, const std::string& content) const {
    std::string b;
    b.reserve(content.size() + 2 * publisher_.size() + 240);
    b += R"({"event":"message:new","data":{"message":{"id":")";
    b += std::to_string(seq);
    b += R"(","sender_id":")";
    b += publisher_;
    b += R"(","content":")";
    b += content;
    b += R"(","type":"text","created_at":")";
    b += utc_iso8601(sent_ns, false);
    b += R"(","is_read":false,"metadata":{"sent_ns":)";
    b += std::to_string(sent_ns);
    b += R"(}},"sender":{"id":")";
    b += publisher_;
    b += R"(","username":")";
    b += publisher_;
    b += R"("}}})";
    return b;
  }

  const Options o_;
  std::string publisher_;              // sender id and username of the published messages
  std::vector<std::string> contents_;  // event_contents(): chat-like, one per event in turn
};

}  // namespace

std::unique_ptr<ClientScript> make_winkr_script(const Options& o) { return std::make_unique<WinkrScript>(o); }

}  // namespace gangway::bench
