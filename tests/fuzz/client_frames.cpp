// libFuzzer target, one binary per dialect (fuzz_decode_<dialect>): a client's
// text frame as the socket's loop handles it. decode() in every session shape
// the dialect has; a refusal rendered with encode_error(); an accepted frame's
// fan-out event published on gw.out, parsed back as every gateway receives it
// and rendered for the room. Corpus: the dialect's seed and contract frames.
// Invariants: the room is safe in a NATS subject; the fan-out event parses.
#include "adapters/registry.hpp"
#include "gateway/core/subject.hpp"
#include "tests/fuzz/dialect_name.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace gangway;

namespace {

// A room becomes a NATS subject's last tokens: nothing a client sent may reach
// one without passing is_valid_id() (gateway/core/subject.hpp).
bool subject_safe(const RoomKey& room) {
  if (room.kind.empty() && room.id.empty()) return true;  // no room: a reply, an ignored frame
  return is_valid_name(room.kind) && (room.kind == "all" ? room.id.empty() : is_valid_id(room.id));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto made = fuzz::demo_adapter(fuzz::dialect());
  const Adapter* adapter = made.get();
  static const std::vector<SessionInfo> sessions = fuzz::sessions_for(fuzz::dialect());
  fuzz::check(adapter != nullptr, "the target's dialect is registered");
  const std::string_view frame = fuzz::as_text(data, size);
  for (const SessionInfo& s : sessions) {
    auto decoded = adapter->decode(frame, s);
    if (!decoded) {
      adapter->encode_error(decoded.error());
      continue;
    }
    fuzz::check(subject_safe(decoded->room), "a decoded room is safe in a subject");
    if (const auto& fanout = decoded->fanout) {
      auto received = parse_event(serialize_event(*fanout));
      fuzz::check(received.has_value(), "a frame's fan-out event parses back from gw.out");
      adapter->encode(*received, decoded->room);
    }
  }
  return 0;
}
