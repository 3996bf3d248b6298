#pragma once
// The answer to a request that did not parse, wherever it is read (the
// upgrade in WsSession, a kept-alive request in HttpConnection).
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <string_view>

namespace gangway::net {

// 0 when nobody is left to answer (the client left mid-request, the socket
// failed); 413 for a body over the limit; for a header over its limit 414
// if the request line alone is (past `max_request_line`, or not yet ended
// in `read`, what was read), else 431; 400 for the rest.
inline unsigned bad_request_status(boost::beast::error_code ec, std::string_view read, std::size_t max_request_line) {
  namespace http = boost::beast::http;
  const auto& http_errors = http::make_error_code(http::error::end_of_stream).category();
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec.category() != http_errors)
    return 0;
  if (ec == http::error::body_limit) return 413;
  if (ec != http::error::header_limit) return 400;
  auto line_end = read.find("\r\n");
  return line_end == std::string_view::npos || line_end > max_request_line ? 414 : 431;
}

}  // namespace gangway::net
