#include "gateway/bus/nats_url.hpp"

namespace gangway::bus {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct Parts {
  std::string_view scheme;    // "nats://" (with the separator), or empty
  std::string_view userinfo;  // "user:pass@" (with the '@'), or empty
  std::string_view hostport;  // "host:4222", "[::1]:4222"
  std::string_view rest;      // anything after the authority
};

Parts split(std::string_view url) {
  Parts p;
  if (auto s = url.find("://"); s != std::string_view::npos) {
    p.scheme = url.substr(0, s + 3);
    url.remove_prefix(s + 3);
  }
  auto end = url.find('/');
  std::string_view authority = url.substr(0, end);
  p.rest = end == std::string_view::npos ? std::string_view{} : url.substr(end);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    p.userinfo = authority.substr(0, at + 1);
    authority.remove_prefix(at + 1);
  }
  p.hostport = authority;
  return p;
}

template <class Fn>
void for_each_url(std::string_view urls, Fn fn) {
  while (!urls.empty()) {
    auto comma = urls.find(',');
    fn(trim(urls.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    urls.remove_prefix(comma + 1);
  }
}

}  // namespace

std::vector<std::string> nats_url_hosts(std::string_view urls) {
  std::vector<std::string> hosts;
  for_each_url(urls, [&](std::string_view url) {
    if (url.empty()) return;
    std::string_view hp = split(url).hostport;
    std::string_view host;
    if (!hp.empty() && hp.front() == '[') {
      host = hp.substr(1, hp.find(']') - 1);
    } else {
      host = hp.substr(0, hp.find(':'));
    }
    if (!host.empty()) hosts.emplace_back(host);
  });
  return hosts;
}

std::string redact_nats_url(std::string_view urls) {
  std::string out;
  for_each_url(urls, [&](std::string_view url) {
    if (!out.empty()) out += ',';
    Parts p = split(url);
    out.append(p.scheme);
    if (!p.userinfo.empty()) out += "***@";
    out.append(p.hostport);
    out.append(p.rest);
  });
  return out;
}

}  // namespace gangway::bus
