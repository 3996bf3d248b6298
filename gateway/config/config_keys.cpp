// What the parser looked up, and what it did not: unknown keys with the
// nearest known one, the accepted keys for the documentation test, and where
// a JSON syntax error is.
#include <algorithm>
#include <cctype>

#include "gateway/config/config_parse.hpp"

namespace gangway::config_parse {
namespace {

thread_local ParseContext* t_context = nullptr;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Edits (insert, delete, replace, swap two neighbours) from a to b.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// The known key nearest `key`, if near enough to be what was meant: a few
// edits away, or the key with its unit left off (`timeout` for `timeout_ms`).
std::optional<std::string> nearest(const std::string& key, const std::set<std::string, std::less<>>& known) {
  if (key.size() >= 3)
    for (const auto& k : known)
      if (k.size() > key.size() && k.rfind(key + "_", 0) == 0) return k;
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& k : known) {
    auto d = distance(lower(key), lower(k));
    if (!best || d < best_distance) best = k, best_distance = d;
  }
  if (!best) return std::nullopt;
  std::size_t longer = std::max(key.size(), best->size());
  return best_distance <= 2 && 2 * best_distance < longer ? best : std::nullopt;
}

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

// Walks the parsed document: `where` is the path for messages
// ("config.apps[0].jwt"), `doc` the documented path ("apps[].jwt").
template <class Visit>
void walk(const Json& node, const std::string& where, const std::string& doc, const ParseContext& context,
          Visit& visit) {
  if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      walk(node[i], where + "[" + std::to_string(i) + "]", doc + "[]", context, visit);
    return;
  }
  if (!node.is_object()) return;
  bool is_map = context.maps.count(&node) > 0;
  visit(node, where, doc, is_map);
  for (auto it = node.begin(); it != node.end(); ++it)
    walk(it.value(), where + "." + it.key(), join(doc, is_map ? "*" : it.key()), context, visit);
}

}  // namespace

ParseScope::ParseScope(ParseContext& context) : previous_(t_context) { t_context = &context; }
ParseScope::~ParseScope() { t_context = previous_; }

void note_key(const Json& object, std::string_view key) {
  if (t_context) t_context->read[&object].emplace(key);
}

void note_map(const Json& object) {
  if (t_context) t_context->maps.insert(&object);
}

Json::const_iterator lookup(const Json& j, const char* key) {
  note_key(j, key);
  if (t_context) t_context->sections[&j].emplace(key);
  return j.find(key);
}

bool has(const Json& j, const std::string& key) {
  note_key(j, key);
  auto it = j.find(key);
  return it != j.end() && !it->is_null();
}

bool defer_unset(const std::string& variable, const std::string& key) {
  if (!t_context || t_context->secrets != Secrets::deferred) return false;
  t_context->unset_env.push_back({variable, key});
  return true;
}

std::vector<std::string> unknown_keys(const Json& root, const ParseContext& context) {
  std::vector<std::string> problems;
  auto visit = [&](const Json& node, const std::string& where, const std::string&, bool is_map) {
    auto read = context.read.find(&node);
    // Objects nothing looked into are values the parser takes whole (a
    // dialect's options, allow_equals); maps hold names, not keys.
    if (read == context.read.end() || is_map) return;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (read->second.count(it.key())) continue;
      std::string problem = where + "." + it.key() + ": unknown key";
      if (auto meant = nearest(it.key(), read->second)) problem += "; did you mean " + *meant + "?";
      problems.push_back(problem);
    }
  };
  walk(root, "config", "", context, visit);
  return problems;
}

void accepted_keys(const Json& root, const ParseContext& context, AcceptedKeys& out) {
  std::set<std::string> present;  // sections some object at their path has
  auto visit = [&](const Json& node, const std::string&, const std::string& doc, bool is_map) {
    if (is_map) out.keys.insert(join(doc, "*"));  // callouts.<name>: the name is the config's
    if (auto read = context.read.find(&node); read != context.read.end() && !is_map)
      for (const auto& key : read->second) out.keys.insert(join(doc, key));
    if (auto sections = context.sections.find(&node); sections != context.sections.end() && !is_map)
      for (const auto& key : sections->second)
        (node.contains(key) ? present : out.absent_sections).insert(join(doc, key));
  };
  walk(root, "", "", context, visit);
  for (const auto& p : present) out.absent_sections.erase(p);
}

std::string json_syntax_error(std::string_view text) {
  try {
    Json parsed = Json::parse(text);  // only to throw where the syntax breaks
    (void)parsed;
  } catch (const Json::parse_error& e) {
    // e.byte counts from 1 and points at the character the parser stopped on.
    std::size_t at = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
    auto line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
    std::size_t column = at == 0 || line_start == std::string_view::npos ? at + 1 : at - line_start;
    // nlohmann's own text after its prefix ("[json.exception.parse_error.101] parse error at line 3, column 5: ").
    std::string what = e.what();
    if (auto colon = what.find(": "); colon != std::string::npos && what.find("parse error") < colon)
      what = what.substr(colon + 2);
    return "config is not valid JSON: line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
           what;
  } catch (const Json::exception&) {
  }
  return "config is not valid JSON";
}

}  // namespace gangway::config_parse
