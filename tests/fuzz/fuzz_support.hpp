#pragma once
// What the fuzz targets share: the input as text, sessions shaped as the core
// builds them for each dialect, and every room kind events are fanned out to.
//
// A target reports a finding by crashing: a sanitizer report, an uncaught
// exception (the data plane must not throw), or check() on a broken invariant.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/registry.hpp"
#include "gateway/core/model.hpp"

namespace gangway::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Unpadded base64url (RFC 4648 §5), as JWS parts are written.
inline std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned value = 0, bits = 0;
  for (unsigned char c : bytes) {
    value = (value << 8 | c) & 0xffff, bits += 8;
    while (bits >= 6) out += kAlphabet[(value >> (bits -= 6)) & 63];
  }
  if (bits > 0) out += kAlphabet[(value << (6 - bits)) & 63];
  return out;
}

// Aborts with `what` when an invariant does not hold: libFuzzer keeps the input.
inline void check(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

// The dialect settings of deploy/gangway.demo.json (the ones the adapters read).
inline const Json& demo_options(std::string_view dialect) {
  static const Json circles = {{"window_hours", 12}};
  static const Json pythia = {{"max_auto_join_channels", 1000}, {"typing_stop_on_close", "every_close"}};
  static const Json none = Json::object();
  if (dialect == "circles") return circles;
  if (dialect == "pythia") return pythia;
  return none;
}

// The dialect's adapter with the options of deploy/gangway.demo.json.
inline std::unique_ptr<const Adapter> demo_adapter(std::string_view dialect) {
  const Dialect* d = find_dialect(dialect);
  if (!d) return nullptr;
  auto made = d->make(demo_options(dialect));
  return made ? std::move(*made) : nullptr;
}

// Every dialect's adapter, as demo_adapter() makes it.
inline std::vector<std::unique_ptr<const Adapter>> every_adapter() {
  std::vector<std::unique_ptr<const Adapter>> out;
  for (std::string_view name : dialect_names()) out.push_back(demo_adapter(name));
  return out;
}

// The sessions a frame is decoded in: what a dialect accepts depends on who
// sends it (social's admin-only broadcast) and, for circles, on which of its
// three sockets it arrives (route params).
inline std::vector<SessionInfo> sessions_for(std::string_view dialect) {
  SessionInfo base;
  base.app = std::string(dialect);
  base.conn_id = "c-1";
  base.user = Principal{"8", "Maya Patel", "maya", false};
  std::vector<SessionInfo> out;
  if (dialect == "circles") {
    for (const char* param : {"thread_id", "place_id", "user_id"}) {
      out.push_back(base);
      out.back().params = {{param, param == std::string_view("user_id") ? "8" : "2"}};
    }
    return out;
  }
  out.push_back(base);
  out.push_back(base);
  out.back().user.admin = true;
  return out;
}

// One room of every kind an adapter may be asked to render an event for.
inline const std::vector<RoomKey>& every_room() {
  static const std::vector<RoomKey> rooms = {
      {"conversation", "c-1"}, {"dm", "2"},   {"place", "p-1"}, {"channel", "ch-1"},
      {"group", "456"},        {"user", "8"}, {"conn", "c-1"},  {"all", ""},
  };
  return rooms;
}

}  // namespace gangway::fuzz
