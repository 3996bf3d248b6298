#include "gateway/core/subject.hpp"

#include <algorithm>

namespace gangway {

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

namespace {
std::string join(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) {
    if (!s.empty()) s += '.';
    s += p;
  }
  return s;
}
}  // namespace

std::string Subjects::inbound(std::string_view app, std::string_view kind, const RoomKey& room) const {
  if (room.kind == "all") return join({prefix_, "in", app, kind, "all"});
  return join({prefix_, "in", app, kind, room.kind, room.id});
}

std::string Subjects::lifecycle(std::string_view app, std::string_view what) const {
  return join({prefix_, "in", app, what});
}

std::string Subjects::disconnect(std::string_view app, std::string_view kind, std::string_view id) const {
  return join({prefix_, "ctl", app, "disconnect", kind, id});
}

std::string Subjects::outbound(std::string_view app, const RoomKey& room) const {
  if (room.kind == "all") return join({prefix_, "out", app, "all"});
  return join({prefix_, "out", app, room.kind, room.id});
}

std::optional<Subjects::Outbound> Subjects::parse_outbound(std::string_view subject) const {
  std::string head = prefix_ + ".out.";
  if (subject.substr(0, head.size()) != head) return std::nullopt;
  subject.remove_prefix(head.size());
  auto dot = subject.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  Outbound out{std::string(subject.substr(0, dot)), {}};
  subject.remove_prefix(dot + 1);
  if (subject == "all") {
    out.room.kind = "all";
    return out;
  }
  dot = subject.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  out.room.kind = std::string(subject.substr(0, dot));
  out.room.id = std::string(subject.substr(dot + 1));
  if (!is_valid_name(out.room.kind) || !is_valid_id(out.room.id)) return std::nullopt;
  return out;
}

}  // namespace gangway
