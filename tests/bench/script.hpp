#pragma once
// A "client script": everything gangway-load knows about one client protocol.
// The fleet (fleet.hpp) does the sockets and the timing; a script says how a
// client connects and authenticates, how it subscribes, what an event
// published on NATS looks like, and how a delivered frame is recognised.
// Adding a dialect (or nats-server's own WebSocket listener, whose "dialect"
// is the NATS text protocol) means adding one script, nothing else.
//
// Scripts are immutable after construction and shared by all client threads.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/bench/options.hpp"

namespace gangway::bench {

struct Identity {
  std::size_t index = 0;  // the socket's global index, 0..N-1
  std::string user;       // "<prefix>-<index>"
  std::string room;       // "<prefix>-room-<r>"
};

struct ConnectPlan {
  std::string target;                                        // path and query, e.g. "/api/v1/ws?token=…"
  std::vector<std::pair<std::string, std::string>> headers;  // extra upgrade headers
  std::vector<std::string> first_frames;                     // sent right after the upgrade (may be empty)
};

// What the client does with a frame received while setting up.
struct SetupStep {
  enum class State { waiting, subscribed, failed } state = State::waiting;
  std::vector<std::string> send;  // frames to send now
  std::string error;              // for failed: a short reason (aggregated in the report)
};

// Per-socket state of a script whose messages do not line up with WebSocket
// frames (NATS: one frame may carry several messages, a message may span frames).
class ClientStream {
 public:
  virtual ~ClientStream() = default;
};

class ClientScript {
 public:
  virtual ~ClientScript() = default;
  virtual std::string name() const = 0;
  virtual bool binary_frames() const { return false; }

  // How socket `id` opens (credentials included).
  virtual ConnectPlan connect(const Identity& id) const = 0;
  // A socket's own state, or nullptr when every frame stands alone.
  virtual std::unique_ptr<ClientStream> new_stream() const { return nullptr; }
  // Called for each frame until it returns subscribed or failed.
  virtual SetupStep on_setup_frame(const Identity& id, std::string_view frame,
                                   ClientStream* stream) const = 0;

  // Publishing side: the NATS subject for a room and an event body that
  // carries the sequence number and the CLOCK_REALTIME send time.
  virtual std::string subject(const std::string& room) const = 0;
  virtual std::string body(std::uint64_t seq, std::int64_t sent_ns) const = 0;

  // Appends the send times of the events delivered in `frame` (a frame may
  // hold several, or none: other traffic is ignored), and to `replies` the
  // frames the protocol requires in answer (a NATS PONG).
  virtual void deliveries(std::string_view frame, ClientStream* stream, std::vector<std::int64_t>& sent_ns,
                          std::vector<std::string>& replies) const = 0;
};

// The script for o.dialect, or nullptr with `error` set.
std::unique_ptr<ClientScript> make_script(const Options& o, std::string& error);

// Shared helpers for scripts.
// `bytes` of chat-like English (sentences of common words; no quote or
// backslash, so it sits in a JSON string as is), different for each `variant`.
std::string chat_text(std::size_t bytes, std::uint64_t variant);
// The event every script publishes: {"event":"message.new","data":{"id","content","sent_ns"}},
// about `payload` bytes long (the tribe envelope of gw.out; the NATS clients get it verbatim).
// Event `seq` takes contents[seq % contents.size()].
std::string event_body(std::uint64_t seq, std::int64_t sent_ns, const std::vector<std::string>& contents);
// The contents for `payload`-byte events whose bytes around the content are
// `envelope` long (86: event_body's, with a short id and a 19-digit sent_ns):
// all of one length, made once so that publishing only copies them.
std::vector<std::string> event_contents(std::size_t payload, std::size_t envelope = 86);
// A 19-digit send time: what an envelope is measured with.
constexpr std::int64_t kSampleSentNs = 1'700'000'000'000'000'000;
bool find_int_after(std::string_view text, std::string_view key, std::int64_t& out);  // `"key":123`
// For a frame that starts with `prefix` (the dialect's rendering of the bench
// event: a prefix test, not a search of every frame), appends its "sent_ns".
void append_sent_ns_if_starts(std::string_view frame, std::string_view prefix,
                              std::vector<std::int64_t>& sent_ns);
// The r of a bench room "<prefix>-room-<r>" (its trailing digits).
std::uint64_t room_number(std::string_view room);
// A CLOCK_REALTIME time in ISO 8601 UTC, "2024-01-07T10:30:00Z", or with
// milliseconds "…:00.123Z": the created_at of a message stored when it was sent.
std::string utc_iso8601(std::int64_t ns, bool millis);

}  // namespace gangway::bench
