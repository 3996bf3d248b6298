#pragma once
// Path templates such as "/ws/dms/{thread_id}" and the query string of an upgrade request.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/model.hpp"

namespace gangway {

class RouteTemplate {
 public:
  // Throws std::invalid_argument for a template that is not absolute or has a bad {param}.
  explicit RouteTemplate(std::string_view pattern);

  // Params if `path` (no query string) matches; every param value passes
  // is_valid_id(), so a path can never smuggle subject metacharacters.
  std::optional<Params> match(std::string_view path) const;
  const std::string& pattern() const { return pattern_; }
  // The names of its {params}, in order (for --check-config: what a callout can be filled from).
  std::vector<std::string> params() const;

 private:
  struct Segment {
    std::string text;
    bool is_param;
  };
  std::string pattern_;
  std::vector<Segment> segments_;
};

// Splits "/path?a=1&b=2" into the path and the decoded query parameters.
struct Target {
  std::string path;
  Params query;
};
Target parse_target(std::string_view target);

// Percent-decoding ('+' as space); nullopt on a malformed escape.
std::optional<std::string> url_decode(std::string_view s);

// Value of one cookie in a Cookie header, or empty.
std::string cookie_value(std::string_view header, std::string_view name);

}  // namespace gangway
