#include "gateway/backend/request_template.hpp"

#include <array>

#include "gateway/core/subject.hpp"

namespace gangway::backend {

namespace {

using Source = Placeholder::Source;

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

bool is_name(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool is_pointer(std::string_view key) {
  if (!key.empty() && key.front() != '/') return false;
  try {
    Json::json_pointer check{std::string(key)};
  } catch (const Json::exception&) {
    return false;
  }
  return true;
}

constexpr std::array<std::pair<std::string_view, Source>, 6> kSources{{
    {"route", Source::route},
    {"user", Source::user},
    {"claim", Source::claim},
    {"frame", Source::frame},
    {"data", Source::data},
    {"envelope", Source::envelope},
}};

// The brace's inside as a placeholder; nullopt for literal text. A
// recognised source with a bad key sets `problem`.
std::optional<Placeholder> parse_one(std::string_view inside, std::string& problem) {
  Placeholder p;
  p.text = "{" + std::string(inside) + "}";
  if (!inside.empty() && inside.back() == '?') {
    p.optional = true;
    inside.remove_suffix(1);
  }
  if (is_name(inside)) {
    p.source = inside == "envelope" ? Source::envelope : Source::param;
    if (p.source == Source::param) p.key = std::string(inside);
    return p;
  }
  auto colon = inside.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view source = inside.substr(0, colon), key = inside.substr(colon + 1);
  bool known = false;
  for (auto [name, s] : kSources)
    if (name == source) known = true, p.source = s;
  if (!known) return std::nullopt;
  p.key = std::string(key);
  bool ok = true;
  switch (p.source) {
    case Source::route: ok = is_name(key); break;
    case Source::user: ok = key == "id" || key == "name" || key == "username"; break;
    case Source::claim: ok = !key.empty() && (key.front() != '/' || is_pointer(key)); break;
    case Source::frame:
    case Source::data:
    case Source::envelope: ok = is_pointer(key); break;
    case Source::param: break;
  }
  if (!ok) problem = p.text + " is not a placeholder (see docs/configuration.md, \"Request templates\")";
  return p;
}

// Walks `text`: literal runs to on_text, placeholders to on_placeholder.
// Returns the first malformed placeholder's problem, or "".
template <class OnText, class OnPlaceholder>
std::string scan(std::string_view text, OnText&& on_text, OnPlaceholder&& on_placeholder) {
  std::string problem;
  std::size_t literal = 0, i = 0;
  while (i < text.size()) {
    auto close = text[i] == '{' ? text.find('}', i + 1) : std::string_view::npos;
    if (close == std::string_view::npos) {
      ++i;
      continue;
    }
    auto p = parse_one(text.substr(i + 1, close - i - 1), problem);
    if (!p) {
      ++i;
      continue;
    }
    if (i > literal) on_text(text.substr(literal, i - literal));
    on_placeholder(*p);
    i = literal = close + 1;
  }
  if (literal < text.size()) on_text(text.substr(literal));
  return problem;
}

// The whole of `text` as one placeholder, if it is exactly one.
std::optional<Placeholder> whole(std::string_view text) {
  std::optional<Placeholder> only;
  bool other = false;
  scan(text, [&](std::string_view) { other = true; },
       [&](const Placeholder& p) {
         if (only) other = true;
         only = p;
       });
  return other ? std::nullopt : only;
}

// A found value: text of a string source, or a JSON value (maybe in `holder`).
struct Value {
  const std::string* text = nullptr;
  const Json* json = nullptr;
  Json holder;
};

const Json* at_pointer(const Json* doc, const std::string& key) {
  if (!doc) return nullptr;
  try {
    Json::json_pointer ptr(key);
    return doc->contains(ptr) ? &doc->at(ptr) : nullptr;
  } catch (const Json::exception&) {
    return nullptr;  // an index into a non-array and the like: absent
  }
}

const std::string* in(const Params* params, const std::string& key) {
  if (!params) return nullptr;
  auto it = params->find(key);
  return it == params->end() ? nullptr : &it->second;
}

bool find_value(const Placeholder& p, const TemplateValues& v, Value& out) {
  switch (p.source) {
    case Source::param:
      out.text = in(v.params, p.key);
      if (!out.text && p.key == "user_id" && v.user && !v.user->id.empty()) out.text = &v.user->id;
      break;
    case Source::route: out.text = in(v.route, p.key); break;
    case Source::user:
      if (v.user) out.text = p.key == "id" ? &v.user->id : p.key == "name" ? &v.user->name : &v.user->username;
      break;
    case Source::claim:
      if (const std::string* text = v.claims ? find_claim(*v.claims, p.key) : nullptr) {
        out.holder = Json::parse(*text, nullptr, false);
        if (!out.holder.is_discarded()) out.json = &out.holder;
      }
      break;
    case Source::frame: out.json = at_pointer(v.frame, p.key); break;
    case Source::data: out.json = at_pointer(v.data, p.key); break;
    case Source::envelope: out.json = at_pointer(v.envelope, p.key); break;
  }
  return out.text || out.json;
}

// A value as text: strings as they are, numbers and booleans as JSON; nullopt for the rest.
std::optional<std::string> text_of(const Value& value) {
  if (value.text) return *value.text;
  const Json& j = *value.json;
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number() || j.is_boolean()) return j.dump();
  return std::nullopt;
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Appends `p`'s text, passed through `encode`; false (and `failure`) if it has none.
template <class Encode>
bool append(const Placeholder& p, const TemplateValues& v, std::string& out, TemplateFailure& failure,
            Encode&& encode) {
  Value value;
  if (!find_value(p, v, value)) {
    failure = {TemplateFailure::Kind::missing, p.text};
    return false;
  }
  auto text = text_of(value);
  if (!text || !encode(*text, out)) {
    failure = {TemplateFailure::Kind::bad_value, p.text};
    return false;
  }
  return true;
}

bool encode_query(const std::string& text, std::string& out) {
  out += url_encode(text);
  return true;
}

bool plain(const std::string& text, std::string& out) {
  out += text;
  return true;
}

bool escaped(const std::string& text, std::string& out) {
  out += json_escape(text);
  return true;
}

// A value in a path segment becomes part of the URL's structure: an id only.
bool encode_segment(const std::string& text, std::string& out) {
  if (!is_valid_id(text)) return false;
  out += text;
  return true;
}

// The expansion of one JSON template node; nullopt with `failure` set, or
// with `dropped` set for an optional value that is absent.
std::optional<Json> expand_json(const Json& t, const TemplateValues& v, TemplateFailure& failure, bool& dropped) {
  dropped = false;
  if (t.is_object() || t.is_array()) {
    Json out = t.is_object() ? Json::object() : Json::array();
    for (auto it = t.begin(); it != t.end(); ++it) {
      bool drop = false;
      auto value = expand_json(*it, v, failure, drop);
      if (drop) continue;
      if (!value) return std::nullopt;
      if (t.is_object()) out[it.key()] = std::move(*value);
      else out.push_back(std::move(*value));
    }
    return out;
  }
  if (!t.is_string()) return t;
  const auto& text = t.get_ref<const std::string&>();
  if (auto p = whole(text)) {
    Value value;
    if (find_value(*p, v, value)) return value.text ? Json(*value.text) : *value.json;
    if (p->optional) dropped = true;
    else failure = {TemplateFailure::Kind::missing, p->text};
    return std::nullopt;
  }
  std::string out;
  bool ok = true;
  scan(text, [&](std::string_view s) { out += s; },
       [&](const Placeholder& p) {
         if (ok) ok = append(p, v, out, failure, plain);
       });
  if (!ok) return std::nullopt;
  return Json(std::move(out));
}

// Collects the placeholders of a JSON template's string leaves; `whole_ok`
// is false where an optional one is not the whole leaf.
void collect(const Json& t, std::vector<Placeholder>& out, std::string& problem) {
  if (t.is_object() || t.is_array()) {
    for (const auto& child : t) collect(child, out, problem);
    return;
  }
  if (!t.is_string()) return;
  const auto& text = t.get_ref<const std::string&>();
  bool alone = whole(text).has_value();
  std::string found = scan(text, [](std::string_view) {}, [&](const Placeholder& p) {
    if (p.optional && !alone && problem.empty())
      problem = p.text + ": only a whole value can be optional";
    out.push_back(p);
  });
  if (problem.empty()) problem = std::move(found);
}

}  // namespace

std::vector<Placeholder> placeholders(const RequestTemplate& t, std::string* problem) {
  std::vector<Placeholder> out;
  std::string first;
  auto note = [&](std::string p) {
    if (first.empty()) first = std::move(p);
  };
  note(scan(t.path, [](std::string_view) {}, [&](const Placeholder& p) {
    if (p.optional) note(p.text + ": a value in the path cannot be optional (use \"query\")");
    out.push_back(p);
  }));
  for (const auto& [name, value] : t.query) {
    bool alone = whole(value).has_value();
    note(scan(value, [](std::string_view) {}, [&](const Placeholder& p) {
      if (p.optional && !alone) note(p.text + ": only a whole value can be optional");
      out.push_back(p);
    }));
  }
  note(scan(t.body, [](std::string_view) {}, [&](const Placeholder& p) {
    if (p.optional) note(p.text + ": a string body cannot drop a value (use a JSON body template)");
    out.push_back(p);
  }));
  std::string in_template;
  collect(t.body_template, out, in_template);
  note(std::move(in_template));
  if (problem) *problem = std::move(first);
  return out;
}

std::string template_problem(const RequestTemplate& t) {
  static constexpr std::array<std::string_view, 5> methods{"GET", "POST", "PUT", "PATCH", "DELETE"};
  bool known = false;
  for (auto m : methods) known |= t.method == m;
  if (!known) return "method must be GET, POST, PUT, PATCH or DELETE";
  if (t.path.empty() || t.path.front() != '/') return "path must start with '/'";
  if (!t.body_template.is_null() && !t.body_template.is_object() && !t.body_template.is_array())
    return "body must be a string (a text template) or a JSON object or array (a JSON template)";
  if (t.method == "GET" && (!t.body.empty() || !t.body_template.is_null())) return "a GET sends no body";
  for (const auto& [name, value] : t.query)
    if (name.empty()) return "query has an empty parameter name";
  std::string problem;
  placeholders(t, &problem);
  return problem;
}

bool sends_body(const RequestTemplate& t) {
  if (t.method == "POST" || t.method == "PUT" || t.method == "PATCH") return true;
  return t.method == "DELETE" && (!t.body.empty() || !t.body_template.is_null());
}

std::optional<std::string> expand_target(const RequestTemplate& t, const TemplateValues& v,
                                         TemplateFailure& failure) {
  std::string out;
  out.reserve(t.path.size() + 32);
  bool in_query = false, ok = true;
  scan(t.path,
       [&](std::string_view s) {
         in_query = in_query || s.find('?') != std::string_view::npos;
         out += s;
       },
       [&](const Placeholder& p) {
         if (ok) ok = in_query ? append(p, v, out, failure, encode_query) : append(p, v, out, failure, encode_segment);
       });
  if (!ok) return std::nullopt;
  for (const auto& [name, value] : t.query) {
    std::string piece = url_encode(name) + "=";
    if (auto p = whole(value); p && p->optional) {
      Value found;
      if (!find_value(*p, v, found)) continue;
    }
    scan(value, [&](std::string_view s) { piece += url_encode(s); },
         [&](const Placeholder& p) {
           if (ok) ok = append(p, v, piece, failure, encode_query);
         });
    if (!ok) return std::nullopt;
    out += in_query ? '&' : '?';
    in_query = true;
    out += piece;
  }
  return out;
}

std::optional<std::string> expand_body(const RequestTemplate& t, const TemplateValues& v, const Json& request_body,
                                       TemplateFailure& failure) {
  if (!t.body_template.is_null()) {
    bool dropped = false;
    auto body = expand_json(t.body_template, v, failure, dropped);
    if (!body) return std::nullopt;
    return dump(*body);
  }
  if (t.body.empty()) return request_body.is_null() ? std::string() : dump(request_body);
  std::string out;
  bool ok = true;
  scan(t.body, [&](std::string_view s) { out += s; },
       [&](const Placeholder& p) {
         if (!ok) return;
         if (p.source == Source::param && p.key == "data") {
           out += dump(request_body);
           return;
         }
         // A text value goes in escaped (the template supplies its quotes); an object or array as JSON.
         Value value;
         if (!find_value(p, v, value)) {
           failure = {TemplateFailure::Kind::missing, p.text};
           ok = false;
         } else if (value.json && (value.json->is_object() || value.json->is_array() || value.json->is_null())) {
           out += dump(*value.json);
         } else {
           ok = append(p, v, out, failure, escaped);
         }
       });
  if (!ok) return std::nullopt;
  return out;
}

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

}  // namespace gangway::backend
