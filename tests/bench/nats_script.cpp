// nats-server's own WebSocket listener (`websocket { no_tls: true }`), the
// reference Gangway is measured against. Clients speak the NATS text protocol
// inside binary WebSocket frames: CONNECT, SUB <subject> <sid>, then MSG
// lines. The server packs several protocol messages into one frame and may
// split one across frames, so each socket parses a byte stream.
#include <charconv>

#include "tests/bench/script.hpp"

namespace gangway::bench {
namespace {

struct NatsStream final : ClientStream {
  std::string pending;  // bytes not yet parsed
};

class NatsScript final : public ClientScript {
 public:
  explicit NatsScript(const Options& o) : o_(o), contents_(event_contents(o.payload_bytes)) {}

  std::string name() const override { return "nats"; }
  bool binary_frames() const override { return true; }
  std::unique_ptr<ClientStream> new_stream() const override { return std::make_unique<NatsStream>(); }

  ConnectPlan connect(const Identity& id) const override {
    // The PING's PONG says the SUB is in place: the server answers in order.
    std::string hello = R"(CONNECT {"verbose":false,"pedantic":false,"protocol":1})"
                        "\r\nSUB " +
                        subject(id.room) + " 1\r\nPING\r\n";
    return ConnectPlan{"/", {}, {std::move(hello)}};
  }

  SetupStep on_setup_frame(const Identity&, std::string_view frame, ClientStream* stream) const override {
    SetupStep step;
    std::vector<std::int64_t> ignored;
    parse(frame, *static_cast<NatsStream*>(stream), ignored, step.send, &step);
    return step;
  }

  std::string subject(const std::string& room) const override { return "bench." + room; }

  std::string body(std::uint64_t seq, std::int64_t sent_ns) const override {
    return event_body(seq, sent_ns, contents_);
  }

  void deliveries(std::string_view frame, ClientStream* stream, std::vector<std::int64_t>& sent_ns,
                  std::vector<std::string>& replies) const override {
    parse(frame, *static_cast<NatsStream*>(stream), sent_ns, replies, nullptr);
  }

 private:
  // Consumes every complete protocol message of the stream. `setup` is set
  // while subscribing: a PONG completes it, -ERR fails it.
  static void parse(std::string_view frame, NatsStream& s, std::vector<std::int64_t>& sent_ns,
                    std::vector<std::string>& replies, SetupStep* setup) {
    s.pending.append(frame);
    std::string_view in(s.pending);
    std::size_t used = 0;
    for (;;) {
      std::string_view rest = in.substr(used);
      auto eol = rest.find("\r\n");
      if (eol == std::string_view::npos) break;
      std::string_view line = rest.substr(0, eol);
      if (line.starts_with("MSG ")) {
        // MSG <subject> <sid> [reply-to] <#bytes>: the size is the last token.
        auto sp = line.rfind(' ');
        std::size_t size = 0;
        std::from_chars(line.data() + sp + 1, line.data() + line.size(), size);
        if (rest.size() < eol + 2 + size + 2) break;  // the payload is still on its way
        std::int64_t ns = 0;
        if (find_int_after(rest.substr(eol + 2, size), "sent_ns", ns)) sent_ns.push_back(ns);
        used += eol + 2 + size + 2;
        continue;
      }
      if (line == "PING") replies.emplace_back("PONG\r\n");
      if (setup && line == "PONG") setup->state = SetupStep::State::subscribed;
      if (setup && line.starts_with("-ERR")) {
        setup->state = SetupStep::State::failed;
        setup->error = std::string(line.substr(0, 80));
      }
      used += eol + 2;
    }
    s.pending.erase(0, used);
  }

  const Options o_;
  std::vector<std::string> contents_;  // event_contents(): chat-like, one per event in turn
};

}  // namespace

std::unique_ptr<ClientScript> make_nats_script(const Options& o) { return std::make_unique<NatsScript>(o); }

}  // namespace gangway::bench
