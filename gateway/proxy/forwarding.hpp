#pragma once
// What a request and its answer look like on the other side of the gateway
// (RFC 9110 7.6.1, RFC 7230 6.1): the hop-by-hop fields are the gateway's own
// business with each side and never cross it; X-Forwarded-* tell the backend
// who asked. Pure functions on Beast headers; the framing (Content-Length or
// chunked) is set by the relay from what it reads (exchange.cpp).
#include <boost/beast/http/message.hpp>
#include <string>
#include <string_view>

#include "gateway/proxy/options.hpp"

namespace gangway::proxy {

using RequestHeader = boost::beast::http::request_header<>;
using ResponseHeader = boost::beast::http::response_header<>;

// Removes Connection and every field it names, Keep-Alive, TE, Trailer,
// Transfer-Encoding, Upgrade and every Proxy-* field.
void remove_hop_by_hop(boost::beast::http::fields& fields);

// The request as the backend gets it: hop-by-hop fields and Expect removed
// (the gateway answers 100-continue itself), X-Forwarded-For/-Proto/-Host
// set (`options.trust_forwarded`: appended to / kept, else replaced, and a
// client's Forwarded and X-Real-IP removed, which a backend may read too), Host
// kept or the backend's (`options.preserve_host`), the backend URL's path
// prefix before the target. `client_address` is the peer's IP address.
void forward_request(RequestHeader& request, std::string_view client_address, const Options& options,
                     std::string_view backend_host, std::string_view backend_prefix);

// The answer as the client gets it: hop-by-hop fields removed.
void forward_response(ResponseHeader& response);

// The status a request gets instead of being passed, or 0. Framing that two
// parsers could read two ways (request smuggling, RFC 9112 6.3, 11.2) is
// 400 even where Beast would pick one reading: more than one Content-Length
// field or a list in one (Beast has already refused differing values and
// Content-Length with chunked); Host missing on HTTP/1.1, repeated, or not
// one authority (RFC 9112 3.2: it becomes X-Forwarded-Host and, by default,
// the backend's Host); a path that escapes_prefix(). A transfer coding other
// than chunked alone is 501 (RFC 9112 6.1): only chunked is re-framed.
unsigned request_refusal(const RequestHeader& request);

// True if `path` (as sent, no query) has a "." or ".." segment, raw or
// percent-encoded (also behind an encoded slash or a backslash), or an
// encoded NUL: a backend that normalises it could serve a path outside the
// prefixes that let the request through.
bool escapes_prefix(std::string_view path);

}  // namespace gangway::proxy
