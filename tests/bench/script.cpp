#include "tests/bench/script.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace gangway::bench {

// One factory per dialect script (each in its own <dialect>_script.cpp).
std::unique_ptr<ClientScript> make_tribe_script(const Options& o);
std::unique_ptr<ClientScript> make_circles_script(const Options& o);
std::unique_ptr<ClientScript> make_pythia_script(const Options& o);
std::unique_ptr<ClientScript> make_social_script(const Options& o);
std::unique_ptr<ClientScript> make_winkr_script(const Options& o);
std::unique_ptr<ClientScript> make_nats_script(const Options& o);

std::unique_ptr<ClientScript> make_script(const Options& o, std::string& error) {
  if (o.dialect == "tribe") return make_tribe_script(o);
  if (o.dialect == "circles") return make_circles_script(o);
  if (o.dialect == "pythia") return make_pythia_script(o);
  if (o.dialect == "social") return make_social_script(o);
  if (o.dialect == "winkr") return make_winkr_script(o);
  if (o.dialect == "nats") return make_nats_script(o);
  error = "no client script for dialect \"" + o.dialect +
          "\" (have: tribe, circles, pythia, social, winkr, nats)";
  return nullptr;
}

namespace {

// Common words of chat messages. What deflate makes of a body depends on its
// text: random bytes do not compress at all, a repeated "abc…z" or sentence
// absurdly well; words drawn from a vocabulary compress about as real
// messages do (zlib: about 2x on a 2 KB body, 1.2x on 200 bytes).
constexpr const char* kWords[] = {
    "the",      "a",       "to",      "and",     "of",        "in",     "is",      "it",      "you",
    "that",     "for",     "on",      "with",    "this",      "was",    "are",     "be",      "have",
    "not",      "but",     "at",      "we",      "they",      "just",   "so",      "can",     "will",
    "about",    "there",   "what",    "if",      "my",        "your",   "all",     "one",     "do",
    "know",     "think",   "really",  "would",   "could",     "should", "maybe",   "today",   "tomorrow",
    "meeting",  "project", "release", "build",   "server",    "client", "message", "channel", "room",
    "team",     "review",  "change",  "issue",   "fix",       "test",   "deploy",  "update",  "again",
    "later",    "after",   "before",  "morning", "afternoon", "lunch",  "coffee",  "thanks",  "sorry",
    "great",    "good",    "nice",    "sure",    "okay",      "yes",    "no",      "please",  "check",
    "looks",    "works",   "broken",  "still",   "already",   "soon",   "need",    "want",    "send",
    "call",     "write",   "read",    "see",     "look",      "let",    "me",      "us",      "them",
    "time",     "week",    "next",    "last",    "first",     "new",    "old",     "small",   "big",
    "question", "answer",  "because", "when",    "where",     "which",  "who",     "how",     "some",
    "more",     "less",    "than",    "then",    "now",       "here",   "from",    "into",    "out",
};
constexpr std::size_t kWordCount = sizeof kWords / sizeof kWords[0];

std::uint64_t splitmix64(std::uint64_t& state) {  // small, fast, and the same on every machine
  std::uint64_t z = (state += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

}  // namespace

std::string chat_text(std::size_t bytes, std::uint64_t variant) {
  std::uint64_t rng = variant;
  std::string s;
  s.reserve(bytes + 16);
  std::size_t left_in_sentence = 0;  // words
  while (s.size() < bytes) {
    bool starts_sentence = left_in_sentence == 0;
    if (starts_sentence) {
      if (!s.empty()) s += ". ";
      left_in_sentence = 4 + splitmix64(rng) % 12;
    } else {
      s += splitmix64(rng) % 9 == 0 ? ", " : " ";
    }
    std::size_t at = s.size();
    s += kWords[splitmix64(rng) % kWordCount];
    if (starts_sentence) s[at] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[at])));
    --left_in_sentence;
  }
  s.resize(bytes);
  return s;
}

std::vector<std::string> event_contents(std::size_t payload, std::size_t envelope) {
  std::size_t bytes = payload > envelope ? payload - envelope : 0;
  if (bytes == 0) return {std::string()};
  // Enough different contents to fill two deflate windows (32 KiB each): a
  // server keeping its compressor's context between messages must not find
  // the same content a few events back, as it would not in a real chat.
  std::size_t n = std::clamp<std::size_t>((2 * 32768 + bytes - 1) / bytes, 2, 4096);
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t v = 0; v < n; ++v) out.push_back(chat_text(bytes, v));
  return out;
}

std::string event_body(std::uint64_t seq, std::int64_t sent_ns, const std::vector<std::string>& contents) {
  const std::string& content = contents[seq % contents.size()];
  std::string b;
  b.reserve(content.size() + 96);
  b += R"({"event":"message.new","data":{"id":")";
  b += std::to_string(seq);
  b += R"(","content":")";
  b += content;
  b += R"(","sent_ns":)";
  b += std::to_string(sent_ns);
  b += "}}";
  return b;
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

void append_sent_ns_if_starts(std::string_view frame, std::string_view prefix,
                              std::vector<std::int64_t>& sent_ns) {
  if (!frame.starts_with(prefix)) return;
  std::int64_t ns = 0;
  if (find_int_after(frame, "sent_ns", ns)) sent_ns.push_back(ns);
}

std::uint64_t room_number(std::string_view room) {
  std::size_t start = room.size();
  while (start > 0 && room[start - 1] >= '0' && room[start - 1] <= '9') --start;
  std::uint64_t r = 0;
  std::from_chars(room.data() + start, room.data() + room.size(), r);
  return r;
}

std::string utc_iso8601(std::int64_t ns, bool millis) {
  std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char text[48];
  int n = std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (millis) n += std::snprintf(text + n, sizeof text - n, ".%03d", static_cast<int>(ns / 1'000'000 % 1000));
  return std::string(text, n) + 'Z';
}

}  // namespace gangway::bench
