#include "gateway/bus/subject_match.hpp"

namespace gangway::bus {
namespace {

// Splits off the first token; `rest` becomes what follows the dot (or ends empty
// with `more` false when this was the last token).
struct Tokenizer {
  std::string_view rest;
  bool more = true;

  std::string_view next() {
    auto dot = rest.find('.');
    std::string_view tok = rest.substr(0, dot);
    if (dot == std::string_view::npos) {
      rest = {};
      more = false;
    } else {
      rest.remove_prefix(dot + 1);
    }
    return tok;
  }
};

bool has_space(std::string_view tok) {
  for (char c : tok) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' || c == '\0') return true;
  }
  return false;
}

bool check(std::string_view s, bool wildcards) {
  if (s.empty()) return false;
  Tokenizer t{s};
  while (t.more) {
    std::string_view tok = t.next();
    if (tok.empty() || has_space(tok)) return false;
    if (tok == "*" && !wildcards) return false;
    if (tok == ">" && (!wildcards || t.more)) return false;
  }
  return true;
}

}  // namespace

bool is_valid_subject(std::string_view subject) { return check(subject, false); }

bool is_valid_pattern(std::string_view pattern) { return check(pattern, true); }

bool subject_matches(std::string_view pattern, std::string_view subject) {
  if (!is_valid_pattern(pattern) || !is_valid_subject(subject)) return false;
  Tokenizer p{pattern};
  Tokenizer s{subject};
  while (p.more) {
    std::string_view ptok = p.next();
    if (ptok == ">") return s.more;  // needs at least one remaining token
    if (!s.more) return false;
    std::string_view stok = s.next();
    if (ptok != "*" && ptok != stok) return false;
  }
  return !s.more;
}

}  // namespace gangway::bus
