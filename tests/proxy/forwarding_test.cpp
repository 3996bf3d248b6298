// What crosses the gateway, field by field (gateway/proxy/forwarding.hpp).
#include "gateway/proxy/forwarding.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/message.hpp>

namespace gangway::proxy {
namespace {

namespace http = boost::beast::http;

RequestHeader request(std::initializer_list<std::pair<const char*, const char*>> fields) {
  RequestHeader r;
  r.method(http::verb::get);
  r.target("/api/x?y=1");
  r.version(11);
  for (auto [name, value] : fields) r.insert(name, value);
  return r;
}

std::string field(const http::fields& f, const char* name) { return std::string(f[name]); }

TEST(Forwarding, HopByHopFieldsAndThoseConnectionNamesAreRemoved) {
  auto r = request({{"Connection", "keep-alive, X-Secret"},
                    {"Connection", "X-Other"},
                    {"X-Secret", "1"},
                    {"X-Other", "1"},
                    {"Keep-Alive", "timeout=5"},
                    {"TE", "trailers"},
                    {"Trailer", "X-T"},
                    {"Transfer-Encoding", "chunked"},
                    {"Upgrade", "h2c"},
                    {"Proxy-Authorization", "Basic eA=="},
                    {"Proxy-Connection", "keep-alive"},
                    {"Authorization", "Bearer t"},
                    {"Content-Length", "3"}});
  remove_hop_by_hop(r);
  for (const char* gone : {"Connection", "X-Secret", "X-Other", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding",
                           "Upgrade", "Proxy-Authorization", "Proxy-Connection"})
    EXPECT_EQ(r.count(gone), 0u) << gone;
  EXPECT_EQ(field(r, "Authorization"), "Bearer t");
  EXPECT_EQ(field(r, "Content-Length"), "3");
}

TEST(Forwarding, AtTheEdgeClientClaimsAreReplaced) {
  Options o;
  auto r = request({{"Host", "app.example"},
                    {"X-Forwarded-For", "6.6.6.6"},
                    {"X-Forwarded-Proto", "https"},
                    {"X-Forwarded-Host", "evil.example"},
                    {"Expect", "100-continue"}});
  forward_request(r, "10.0.0.7", o, "backend:8001", "");
  EXPECT_EQ(field(r, "X-Forwarded-For"), "10.0.0.7");
  EXPECT_EQ(field(r, "X-Forwarded-Proto"), "http");
  EXPECT_EQ(field(r, "X-Forwarded-Host"), "app.example");
  EXPECT_EQ(field(r, "Host"), "app.example");
  EXPECT_EQ(r.count("Expect"), 0u);
  EXPECT_EQ(r.target(), "/api/x?y=1");
}

TEST(Forwarding, AtTheEdgeOtherClientAddressClaimsAreRemoved) {
  Options o;
  auto r = request({{"Host", "app.example"}, {"Forwarded", "for=6.6.6.6;proto=https"}, {"X-Real-IP", "6.6.6.6"}});
  forward_request(r, "10.0.0.7", o, "backend:8001", "");
  EXPECT_EQ(r.count("Forwarded"), 0u);
  EXPECT_EQ(r.count("X-Real-IP"), 0u);
  o.trust_forwarded = true;  // behind a proxy that sets them, they are its word
  auto kept = request({{"Host", "app.example"}, {"Forwarded", "for=1.1.1.1"}, {"X-Real-IP", "1.1.1.1"}});
  forward_request(kept, "10.0.0.7", o, "backend:8001", "");
  EXPECT_EQ(field(kept, "Forwarded"), "for=1.1.1.1");
  EXPECT_EQ(field(kept, "X-Real-IP"), "1.1.1.1");
}

TEST(Forwarding, BehindATrustedProxyTheyAreKeptAndAppendedTo) {
  Options o;
  o.trust_forwarded = true;
  o.preserve_host = false;
  auto r = request({{"Host", "app.example"},
                    {"X-Forwarded-For", "1.1.1.1, 2.2.2.2"},
                    {"X-Forwarded-For", "3.3.3.3"},
                    {"X-Forwarded-Proto", "https"}});
  forward_request(r, "10.0.0.7", o, "backend:8001", "/base");
  EXPECT_EQ(field(r, "X-Forwarded-For"), "1.1.1.1, 2.2.2.2, 3.3.3.3, 10.0.0.7");
  EXPECT_EQ(r.count("X-Forwarded-For"), 1u);
  EXPECT_EQ(field(r, "X-Forwarded-Proto"), "https");
  EXPECT_EQ(field(r, "X-Forwarded-Host"), "app.example");
  EXPECT_EQ(field(r, "Host"), "backend:8001");
  EXPECT_EQ(r.target(), "/base/api/x?y=1");
}

TEST(Forwarding, ConnectionCannotNameAwayTheHost) {
  Options o;
  auto r = request({{"Host", "app.example"}, {"Connection", "Host"}});
  forward_request(r, "10.0.0.7", o, "backend:8001", "");
  EXPECT_EQ(field(r, "Host"), "app.example");
}

TEST(Forwarding, ResponseLosesItsHopByHopFields) {
  ResponseHeader r;
  r.result(http::status::ok);
  r.insert("Connection", "X-Drop");
  r.insert("X-Drop", "1");
  r.insert("Proxy-Authenticate", "Basic");
  r.insert("Set-Cookie", "a=b");
  forward_response(r);
  EXPECT_EQ(r.count("X-Drop"), 0u);
  EXPECT_EQ(r.count("Proxy-Authenticate"), 0u);
  EXPECT_EQ(field(r, "Set-Cookie"), "a=b");
}

TEST(Forwarding, PathsThatLeaveThePrefixes) {
  for (const char* bad : {"/api/../internal", "/api/./x", "/api/%2e%2e/internal", "/api/%2E%2e", "/api/..%2finternal",
                          "/api/..\\internal", "/api/.%2E%5Cx", "/..", "/api/x%00"})
    EXPECT_TRUE(escapes_prefix(bad)) << bad;
  for (const char* good : {"/api/x", "/api/..x", "/api/x..", "/api/.hidden", "/api/%2", "/api/%zz", "/", "/api/a%20b"})
    EXPECT_FALSE(escapes_prefix(good)) << good;
}

TEST(Forwarding, RequestsThatTwoParsersCouldReadTwoWaysAreRefused) {
  EXPECT_EQ(request_refusal(request({{"Host", "app.example"}})), 0u);
  EXPECT_EQ(request_refusal(request({{"Host", "app.example:8080"}, {"Content-Length", "3"}})), 0u);
  EXPECT_EQ(request_refusal(request({{"Host", "[::1]:80"}, {"Transfer-Encoding", "chunked"}})), 0u);
  // Content-Length twice, even the same value, or as a list.
  EXPECT_EQ(request_refusal(request({{"Host", "a"}, {"Content-Length", "3"}, {"Content-Length", "3"}})), 400u);
  EXPECT_EQ(request_refusal(request({{"Host", "a"}, {"Content-Length", "3, 3"}})), 400u);
  // Host missing, repeated, or not one authority.
  EXPECT_EQ(request_refusal(request({})), 400u);
  EXPECT_EQ(request_refusal(request({{"Host", "a"}, {"Host", "b"}})), 400u);
  for (const char* bad : {"a, b", "user@a", "a/b", "a b", "\"a\"", ""})
    EXPECT_EQ(request_refusal(request({{"Host", bad}})), 400u) << bad;
  auto old = request({});
  old.version(10);
  EXPECT_EQ(request_refusal(old), 0u) << "HTTP/1.0 has no Host to require";
  // A transfer coding other than chunked alone.
  EXPECT_EQ(request_refusal(request({{"Host", "a"}, {"Transfer-Encoding", "gzip, chunked"}})), 501u);
  EXPECT_EQ(request_refusal(request({{"Host", "a"}, {"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}})),
            501u);
  auto escaping = request({{"Host", "a"}});
  escaping.target("/api/../internal?x=1");
  EXPECT_EQ(request_refusal(escaping), 400u);
}

TEST(Options, PrefixesDecideWhatPasses) {
  Options o;
  EXPECT_FALSE(o.passes("/api/x")) << "disabled";
  o.enabled = true;
  EXPECT_TRUE(o.passes("/anything"));
  EXPECT_FALSE(o.passes("*"));
  o.prefixes = {"/api/", "/demo/"};
  EXPECT_TRUE(o.passes("/api/x"));
  EXPECT_TRUE(o.passes("/demo/"));
  EXPECT_FALSE(o.passes("/demo"));
  EXPECT_FALSE(o.passes("/internal/x"));
  EXPECT_FALSE(o.passes("/API/x"));
}

}  // namespace
}  // namespace gangway::proxy
