#include "tests/bench/script.hpp"

#include <cctype>

namespace gangway::bench {

// One factory per dialect script (each in its own <dialect>_script.cpp).
std::unique_ptr<ClientScript> make_tribe_script(const Options& o);
std::unique_ptr<ClientScript> make_nats_script(const Options& o);

std::unique_ptr<ClientScript> make_script(const Options& o, std::string& error) {
  if (o.dialect == "tribe") return make_tribe_script(o);
  if (o.dialect == "nats") return make_nats_script(o);
  error = "no client script for dialect \"" + o.dialect + "\" (have: tribe, nats)";
  return nullptr;
}

std::string padding(std::size_t bytes) {
  std::string s;
  s.reserve(bytes);
  for (std::size_t i = 0; i < bytes; ++i) s += static_cast<char>('a' + i % 26);
  return s;
}

std::string event_body(std::uint64_t seq, std::int64_t sent_ns, const std::string& filler) {
  std::string b;
  b.reserve(filler.size() + 96);
  b += R"({"event":"message.new","data":{"id":")";
  b += std::to_string(seq);
  b += R"(","content":")";
  b += filler;
  b += R"(","sent_ns":)";
  b += std::to_string(sent_ns);
  b += "}}";
  return b;
}

// 86: the envelope around the filler with a short id and a 19-digit sent_ns.
std::string event_filler(std::size_t payload) { return padding(payload > 86 ? payload - 86 : 0); }

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
