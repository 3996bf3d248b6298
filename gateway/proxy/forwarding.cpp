#include "gateway/proxy/forwarding.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <vector>

namespace gangway::proxy {

namespace http = boost::beast::http;

namespace {

// Beast 1.74 has no http::field for these.
const boost::beast::string_view kForwardedFor = "X-Forwarded-For";
const boost::beast::string_view kForwardedProto = "X-Forwarded-Proto";
const boost::beast::string_view kForwardedHost = "X-Forwarded-Host";
const boost::beast::string_view kRealIp = "X-Real-IP";

bool starts_with_proxy(boost::beast::string_view name) {
  return name.size() >= 6 && boost::beast::iequals(name.substr(0, 6), "proxy-");
}

// Every value of `name`, joined as one list ("a, b").
std::string joined(const http::fields& fields, boost::beast::string_view name) {
  std::string out;
  for (auto [it, end] = fields.equal_range(name); it != end; ++it) {
    if (!out.empty()) out += ", ";
    out.append(it->value().data(), it->value().size());
  }
  return out;
}

boost::beast::string_view bsv(std::string_view s) { return {s.data(), s.size()}; }

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void remove_hop_by_hop(http::fields& fields) {
  std::vector<std::string> named;
  for (auto [it, end] = fields.equal_range(http::field::connection); it != end; ++it)
    for (auto token : http::token_list(it->value())) named.emplace_back(token.data(), token.size());
  for (const auto& name : named) fields.erase(name);
  for (auto f : {http::field::connection, http::field::keep_alive, http::field::te, http::field::trailer,
                 http::field::transfer_encoding, http::field::upgrade})
    fields.erase(f);
  for (auto it = fields.begin(); it != fields.end();) {
    if (starts_with_proxy(it->name_string())) it = fields.erase(it);
    else ++it;
  }
}

void forward_request(RequestHeader& request, std::string_view client_address, const Options& options,
                     std::string_view backend_host, std::string_view backend_prefix) {
  std::string host(request[http::field::host]);  // before a Connection token could name it
  remove_hop_by_hop(request);
  request.erase(http::field::expect);
  std::string forwarded_for(client_address);  // IPv6 as is: X-Forwarded-For has no brackets
  if (options.trust_forwarded) {
    if (auto earlier = joined(request, kForwardedFor); !earlier.empty())
      forwarded_for = earlier + ", " + forwarded_for;
  } else {
    request.erase(kForwardedProto);
    request.erase(kForwardedHost);
    request.erase(http::field::forwarded);
    request.erase(kRealIp);
  }
  request.set(kForwardedFor, forwarded_for);
  if (request.find(kForwardedProto) == request.end())
    request.set(kForwardedProto, "http");  // the app listeners speak plain HTTP
  if (request.find(kForwardedHost) == request.end() && !host.empty())
    request.set(kForwardedHost, host);
  if (!options.preserve_host || host.empty()) request.set(http::field::host, bsv(backend_host));
  else request.set(http::field::host, host);
  if (!backend_prefix.empty()) {
    std::string target(backend_prefix);
    target.append(request.target().data(), request.target().size());
    request.target(target);
  }
  request.version(11);  // the backend connection is kept alive and may be chunked
}

void forward_response(ResponseHeader& response) { remove_hop_by_hop(response); }

namespace {

// An authority as Host carries it (RFC 3986 3.2): a name or an address, a
// port; no userinfo, path, space, comma or quote that could bend the lists
// and URLs a backend builds from it.
bool authority(boost::beast::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == '~' || c == ':' || c == '[' || c == ']' || c == '%';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

unsigned request_refusal(const RequestHeader& request) {
  if (request.count(http::field::content_length) > 1 ||
      request[http::field::content_length].find(',') != boost::beast::string_view::npos)
    return 400;
  const auto hosts = request.count(http::field::host);
  if (hosts > 1 || (hosts == 0 && request.version() >= 11)) return 400;
  if (hosts == 1 && !authority(request[http::field::host])) return 400;
  auto target = request.target();
  auto path = std::string_view(target.data(), target.size());
  if (escapes_prefix(path.substr(0, path.find('?')))) return 400;
  if (request.count(http::field::transfer_encoding) > 1) return 501;  // Beast let it by: not chunked alone
  auto coding = request[http::field::transfer_encoding];
  if (!coding.empty() && !boost::beast::iequals(coding, "chunked")) return 501;
  return 0;
}

bool escapes_prefix(std::string_view path) {
  // Decoded once (what a backend decodes), then split at '/' and '\'.
  std::string decoded;
  decoded.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && hex(path[i + 1]) >= 0 && hex(path[i + 2]) >= 0) {
      decoded += static_cast<char>(hex(path[i + 1]) * 16 + hex(path[i + 2]));
      i += 2;
    } else {
      decoded += path[i];
    }
  }
  std::size_t start = 0;
  for (std::size_t i = 0; i <= decoded.size(); ++i) {
    if (i < decoded.size() && decoded[i] == '\0') return true;
    if (i == decoded.size() || decoded[i] == '/' || decoded[i] == '\\') {
      auto segment = std::string_view(decoded).substr(start, i - start);
      if (segment == "." || segment == "..") return true;
      start = i + 1;
    }
  }
  return false;
}

}  // namespace gangway::proxy
