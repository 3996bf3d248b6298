#include "gateway/backend/request_template.hpp"

namespace gangway::backend {

namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

bool is_name_char(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Walks the template; `resolve(name, out)` appends the value or returns false.
template <class Resolve>
std::optional<std::string> expand(std::string_view tmpl, std::string* missing, Resolve&& resolve) {
  std::string out;
  out.reserve(tmpl.size() + 32);
  std::size_t i = 0;
  while (i < tmpl.size()) {
    if (tmpl[i] == '{') {
      std::size_t j = i + 1;
      while (j < tmpl.size() && is_name_char(static_cast<unsigned char>(tmpl[j]))) ++j;
      if (j > i + 1 && j < tmpl.size() && tmpl[j] == '}') {
        std::string_view name = tmpl.substr(i + 1, j - i - 1);
        if (!resolve(name, out)) {
          if (missing) *missing = std::string(name);
          return std::nullopt;
        }
        i = j + 1;
        continue;
      }
    }
    out += tmpl[i++];
  }
  return out;
}

}  // namespace

std::string url_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (is_unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0F];
    }
  }
  return out;
}

std::string json_escape(std::string_view s) {
  // Dumping a JSON string does the escaping; error_handler_t::replace keeps
  // invalid UTF-8 from throwing (it becomes U+FFFD).
  std::string quoted = Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

std::optional<std::string> expand_path(std::string_view tmpl, const Params& params, std::string* missing) {
  return expand(tmpl, missing, [&](std::string_view name, std::string& out) {
    auto it = params.find(name);
    if (it == params.end()) return false;
    out += url_encode(it->second);
    return true;
  });
}

std::optional<std::string> expand_body(std::string_view tmpl, const Params& params, const Json& data,
                                       std::string* missing) {
  auto dump = [&] { return data.dump(-1, ' ', false, Json::error_handler_t::replace); };
  if (tmpl.empty()) return data.is_null() ? std::string() : dump();
  return expand(tmpl, missing, [&](std::string_view name, std::string& out) {
    if (name == "data") {
      out += dump();
      return true;
    }
    auto it = params.find(name);
    if (it == params.end()) return false;
    out += json_escape(it->second);
    return true;
  });
}

}  // namespace gangway::backend
