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
// if the request line alone is past `max_request_line`, else 431; 400 for
// the rest. `parsed_line` is the request line's length if the parser got it
// (Beast then has consumed it from the buffer), else 0 and the line is
// looked for in `read`, what is left in the buffer (not ended there: 414).
inline unsigned bad_request_status(boost::beast::error_code ec, std::string_view read, std::size_t max_request_line,
                                   std::size_t parsed_line) {
  namespace http = boost::beast::http;
  const auto& http_errors = http::make_error_code(http::error::end_of_stream).category();
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec.category() != http_errors)
    return 0;
  if (ec == http::error::body_limit) return 413;
  if (ec != http::error::header_limit) return 400;
  if (parsed_line) return parsed_line > max_request_line ? 414 : 431;
  auto line_end = read.find("\r\n");
  return line_end == std::string_view::npos || line_end > max_request_line ? 414 : 431;
}

// The length of the request line a parser has read, or 0 if it has not.
template <class Request>
std::size_t request_line_length(const Request& request) {
  if (request.target().empty()) return 0;
  return request.method_string().size() + 1 + request.target().size() + 11;  // " HTTP/1.1\r\n"
}

}  // namespace gangway::net
