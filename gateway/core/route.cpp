#include "gateway/core/route.hpp"

#include <stdexcept>

#include "gateway/core/subject.hpp"

namespace gangway {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return parts;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

RouteTemplate::RouteTemplate(std::string_view pattern) : pattern_(pattern) {
  if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route must start with '/'");
  for (auto part : split_path(pattern)) {
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      auto name = part.substr(1, part.size() - 2);
      if (!is_valid_name(name)) throw std::invalid_argument("bad route parameter '" + std::string(part) + "'");
      segments_.push_back({std::string(name), true});
    } else {
      segments_.push_back({std::string(part), false});
    }
  }
}

std::vector<std::string> RouteTemplate::params() const {
  std::vector<std::string> names;
  for (const auto& s : segments_)
    if (s.is_param) names.push_back(s.text);
  return names;
}

std::optional<Params> RouteTemplate::match(std::string_view path) const {
  auto parts = split_path(path);
  if (parts.size() != segments_.size()) return std::nullopt;
  Params params;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!segments_[i].is_param) {
      if (parts[i] != segments_[i].text) return std::nullopt;
      continue;
    }
    if (!is_valid_id(parts[i])) return std::nullopt;
    params.emplace(segments_[i].text, std::string(parts[i]));
  }
  return params;
}

std::optional<std::string> url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  // Plain runs are copied whole: a token in the query is hundreds of them.
  for (;;) {
    auto special = s.find_first_of("%+");
    out.append(s.substr(0, special));
    if (special == std::string_view::npos) return out;
    if (s[special] == '+') {
      out += ' ';
      s.remove_prefix(special + 1);
      continue;
    }
    if (special + 2 >= s.size()) return std::nullopt;
    int hi = hex_value(s[special + 1]), lo = hex_value(s[special + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    s.remove_prefix(special + 3);
  }
}

Target parse_target(std::string_view target) {
  Target t;
  auto q = target.find('?');
  t.path = std::string(target.substr(0, q));
  if (q == std::string_view::npos) return t;
  auto query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    auto key = url_decode(pair.substr(0, eq));
    auto value = eq == std::string_view::npos ? std::optional<std::string>("") : url_decode(pair.substr(eq + 1));
    if (key && value && !key->empty()) t.query.emplace(std::move(*key), std::move(*value));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return t;
}

std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    auto item = header.substr(0, semi);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    auto eq = item.find('=');
    if (eq != std::string_view::npos && item.substr(0, eq) == name) {
      auto v = item.substr(eq + 1);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

}  // namespace gangway
