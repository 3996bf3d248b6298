#include "gateway/bus/nats_creds.hpp"

#include <algorithm>

namespace gangway::bus {
namespace {

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool base32(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'); });
}

// The first non-empty line after the line holding `marker`; empty if none.
std::string_view block_after(std::string_view text, std::string_view marker) {
  auto at = text.find(marker);
  if (at == std::string_view::npos) return {};
  text.remove_prefix(at);
  auto eol = text.find('\n');
  if (eol == std::string_view::npos) return {};
  text.remove_prefix(eol + 1);
  while (!text.empty()) {
    eol = text.find('\n');
    auto line = trim(text.substr(0, eol));
    if (!line.empty()) return line.rfind("---", 0) == 0 ? std::string_view{} : line;  // an END marker: empty block
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return {};
}

}  // namespace

bool looks_like_user_seed(std::string_view s) { return s.size() == 58 && s.substr(0, 2) == "SU" && base32(s); }

bool holds_user_seed(std::string_view text) {
  while (!text.empty()) {
    auto eol = text.find('\n');
    if (looks_like_user_seed(trim(text.substr(0, eol)))) return true;
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return false;
}

bool looks_like_user_nkey(std::string_view s) { return s.size() == 56 && s.front() == 'U' && base32(s); }

std::optional<NatsCreds> parse_creds(std::string_view text, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<NatsCreds> {
    if (error) *error = why;
    return std::nullopt;
  };
  std::string_view jwt = block_after(text, "BEGIN NATS USER JWT");
  if (jwt.empty()) return fail("no user JWT (a -----BEGIN NATS USER JWT----- block)");
  if (std::count(jwt.begin(), jwt.end(), '.') != 2) return fail("the user JWT is not a JWT");
  std::string_view seed = block_after(text, "BEGIN USER NKEY SEED");
  if (seed.empty()) return fail("no user seed (a -----BEGIN USER NKEY SEED----- block)");
  if (!looks_like_user_seed(seed)) return fail("the user seed is not a user NKey seed (SU…)");
  return NatsCreds{std::string(jwt), std::string(seed)};
}

}  // namespace gangway::bus
