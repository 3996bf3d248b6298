#include "tests/bench/script.hpp"

#include <cctype>

namespace gangway::bench {

// One factory per dialect script (each in its own <dialect>_script.cpp).
std::unique_ptr<ClientScript> make_tribe_script(const Options& o);

std::unique_ptr<ClientScript> make_script(const Options& o, std::string& error) {
  if (o.dialect == "tribe") return make_tribe_script(o);
  error = "no client script for dialect \"" + o.dialect + "\" (have: tribe)";
  return nullptr;
}

std::string padding(std::size_t bytes) {
  std::string s;
  s.reserve(bytes);
  for (std::size_t i = 0; i < bytes; ++i) s += static_cast<char>('a' + i % 26);
  return s;
}

bool find_int_after(std::string_view text, std::string_view key, std::int64_t& out) {
  // Finds `"key":` then an optional space and digits. Good enough for frames
  // rendered by a JSON library; not a JSON parser.
  std::string needle;
  needle.reserve(key.size() + 3);
  needle += '"';
  needle += key;
  needle += "\":";
  auto at = text.find(needle);
  if (at == std::string_view::npos) return false;
  std::size_t i = at + needle.size();
  while (i < text.size() && text[i] == ' ') ++i;
  bool negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  std::int64_t v = 0;
  std::size_t digits = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits)
    v = v * 10 + (text[i] - '0');
  if (digits == 0) return false;
  out = negative ? -v : v;
  return true;
}

}  // namespace gangway::bench
