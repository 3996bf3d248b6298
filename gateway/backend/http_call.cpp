#include "gateway/backend/http_call.hpp"

#include <httplib.h>

#include <algorithm>
#include <stdexcept>

#include "gateway/backend/answer_cache.hpp"
#include "gateway/backend/ca_bundle.hpp"
#include "gateway/backend/request_template.hpp"
#include "gateway/backend/response_rule.hpp"

namespace gangway::backend {

namespace {

// A credential is copied into a header line: control characters (CR/LF above
// all) would let a client write headers of its own.
bool header_safe(std::string_view v) {
  return std::none_of(v.begin(), v.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; });
}

}  // namespace

CalloutResult unanswered(CalloutResult::Why why, CalloutResult::Outcome outcome) {
  CalloutResult r;
  r.outcome = outcome;
  r.why = why;
  return r;
}

BaseUrl parse_base_url(const std::string& url) {
  auto scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    throw std::invalid_argument("callout base_url must start with http:// or https://: " + url);
  auto path_start = url.find('/', scheme_end + 3);
  BaseUrl b{url.substr(0, path_start), path_start == std::string::npos ? "" : url.substr(path_start)};
  if (b.origin.size() == scheme_end + 3) throw std::invalid_argument("callout base_url has no host: " + url);
  while (!b.prefix.empty() && b.prefix.back() == '/') b.prefix.pop_back();
  return b;
}

std::unique_ptr<httplib::Client> make_http_client(const BaseUrl& base, const std::string& ca_file) {
  const bool https = base.origin.rfind("https://", 0) == 0;
  if (!ca_file.empty() && !https) throw std::invalid_argument("a callout ca_file needs an https:// base_url");
  if (!ca_file.empty())
    if (auto problem = ca_bundle_problem(ca_file); !problem.empty())
      throw std::invalid_argument("callout ca_file: " + problem);
  auto client = std::make_unique<httplib::Client>(base.origin);
  if (!client->is_valid()) throw std::invalid_argument("callout base_url is not usable: " + base.origin);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);       // headers and body go out in separate writes
  client->set_follow_location(false);  // a redirect is an answer we do not understand: unavailable
  client->set_url_encode(false);       // paths are already percent-encoded by expand_path
  // cpp-httplib verifies by default; said here so it stays so. With a CA
  // file it trusts that file only, else the system's default store.
  if (https) client->enable_server_certificate_verification(true);
  if (!ca_file.empty()) client->set_ca_cert_path(ca_file);
  return client;
}

std::optional<CalloutResult> prepare_call(const BaseUrl& base, const CalloutSpec& spec,
                                          const CalloutRequest& request, HttpCall& out) {
  using Why = CalloutResult::Why;
  using Outcome = CalloutResult::Outcome;
  TemplateValues values = request.values;
  if (!values.params) values.params = &request.params;
  TemplateFailure failure;
  auto refused = [&] {
    CalloutResult r = unanswered(failure.kind == TemplateFailure::Kind::missing ? Why::missing_value : Why::bad_value);
    r.problem = std::move(failure.placeholder);
    return r;
  };
  out.method = spec.method;
  if (out.method != "GET" && out.method != "POST" && out.method != "PUT" && out.method != "PATCH" &&
      out.method != "DELETE")
    return unanswered(Why::invalid);  // the config refuses it; fail closed if it happens anyway
  auto target = expand_target(spec, values, failure);
  if (!target) return refused();
  out.path = base.prefix + *target;
  if (sends_body(spec)) {
    auto body = expand_body(spec, values, request.body, failure);
    if (!body) return refused();
    out.body = std::move(*body);
  }
  out.headers.emplace_back("Accept", "application/json");
  if (spec.forward_bearer && !request.bearer.empty()) {
    if (!header_safe(request.bearer)) return unanswered(Why::invalid, Outcome::denied);
    out.headers.emplace_back("Authorization", "Bearer " + request.bearer);
  }
  if (spec.forward_cookie && !request.cookie.empty()) {
    if (!header_safe(request.cookie)) return unanswered(Why::invalid, Outcome::denied);
    out.headers.emplace_back("Cookie", request.cookie);
  }
  if (spec.cache_ttl.count() > 0) out.cache_key = cache_key(spec, out.path, out.body, request);
  out.spec = spec;
  return std::nullopt;
}

CalloutResult attempt(httplib::Client& client, const HttpCall& call, std::chrono::milliseconds budget) {
  budget = std::max(budget, std::chrono::milliseconds(1));  // 0 would mean "don't wait at all"
  client.set_connection_timeout(budget);
  client.set_read_timeout(budget);
  client.set_write_timeout(budget);
  httplib::Headers headers(call.headers.begin(), call.headers.end());
  const char* path = call.path.c_str();
  // An empty body goes without a Content-Type: there is nothing to describe.
  const std::string type = call.body.empty() ? "" : "application/json";
  httplib::Result res = [&] {
    if (call.method == "POST") return client.Post(path, headers, call.body, type);
    if (call.method == "PUT") return client.Put(path, headers, call.body, type);
    if (call.method == "PATCH") return client.Patch(path, headers, call.body, type);
    if (call.method == "DELETE")
      return call.body.empty() ? client.Delete(path, headers) : client.Delete(path, headers, call.body, type);
    return client.Get(path, headers);
  }();
  // No response at all: refused, timed out, reset, or aborted by stop().
  if (!res) return unanswered(CalloutResult::Why::unreachable);
  return classify_response(call.spec, res->status, res->body);
}

}  // namespace gangway::backend
