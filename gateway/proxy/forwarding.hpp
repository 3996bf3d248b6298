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
// set (`options.trust_forwarded`: appended to / kept, else replaced), Host
// kept or the backend's (`options.preserve_host`), the backend URL's path
// prefix before the target. `client_address` is the peer's IP address.
void forward_request(RequestHeader& request, std::string_view client_address, const Options& options,
                     std::string_view backend_host, std::string_view backend_prefix);

// The answer as the client gets it: hop-by-hop fields removed.
void forward_response(ResponseHeader& response);

// True if `path` (as sent, no query) has a "." or ".." segment, raw or
// percent-encoded (also behind an encoded slash or a backslash), or an
// encoded NUL: a backend that normalises it could serve a path outside the
// prefixes that let the request through.
bool escapes_prefix(std::string_view path);

}  // namespace gangway::proxy
