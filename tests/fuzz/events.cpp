// libFuzzer target fuzz_event: a message body on gw.out.<app>.<room> as every
// gateway receives it from the services: parse_event(), then every dialect's
// encode() for a room of every kind; the event's text also names an error
// every dialect renders (encode_error, encode_close), as client text does.
// Corpus: the NATS contract's events, and every dialect's seed and contract
// frames both as {"frame": …} and as {"event": type, "data": …}.
#include "adapters/registry.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace gangway;

namespace {

constexpr int kErrorCodes = static_cast<int>(ErrorCode::internal) + 1;

// Strings the input chose, for the text a dialect echoes in an error frame.
DialectError error_of(const Event& e, std::size_t size) {
  DialectError err{static_cast<ErrorCode>(size % kErrorCodes), e.name, {}, e.name};
  if (e.data.is_object() && !e.data.empty()) err.field = e.data.begin().key();
  if (auto it = e.data.find("detail"); e.data.is_object() && it != e.data.end() && it->is_string())
    err.detail = it->get<std::string>();
  return err;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto adapters = fuzz::every_adapter();
  auto event = parse_event(fuzz::as_text(data, size));
  if (!event) return 0;
  // What a gateway republishes (a stored message's fan-out) reads back the same.
  const std::string once = serialize_event(*event);
  auto again = parse_event(once);
  fuzz::check(again.has_value() && serialize_event(*again) == once, "an event survives serialize/parse");
  const DialectError err = error_of(*event, size);
  for (const auto& made : adapters) {
    const Adapter& adapter = *made;
    for (const RoomKey& room : fuzz::every_room()) adapter.encode(*event, room);
    adapter.encode_error(err);
    adapter.encode_close(1008, event->name);
  }
  return 0;
}
