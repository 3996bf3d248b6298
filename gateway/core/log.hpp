#pragma once
// The gateway's own log: one JSON object per line, so a log shipper reads it
// like any other structured log (docs/operations.md, "Logs"):
//
//   {"ts":"2026-12-06T10:11:12.345Z","level":"info","msg":"upgrade refused",
//    "app":"tribe","conn":"c3Fq…","user":"u-alice","reason":"origin_refused",…}
//
// `ts` is UTC, RFC 3339 with milliseconds; `app`, `conn` and `user` appear
// where known (LogContext). Lines go to stdout, except a failed start's, which
// go to stderr (log_to_stderr) in the same format. Lines below the level set
// with --log-level (set_log_level) are dropped before anything is formatted.
// Never log a token, a cookie, a password or any other secret.
//
// Threads: any. A line is written whole, with one write(2) under a mutex, so
// lines from different threads never interleave. A write blocks the caller
// while stdout is full: nothing a client can cause at will (refusals, slow
// consumers, failed callouts) logs without a LogLimiter, and nothing logs per
// frame at all.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace gangway {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

// "debug", "info", "warn", "error"; nullopt for anything else.
std::optional<LogLevel> parse_log_level(std::string_view name);
std::string_view to_string(LogLevel level);

// Lines below `level` are dropped (default info). Set once at start, before
// the threads; reading it is a relaxed load.
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);

// Who a line is about; empty members are left out of the line.
struct LogContext {
  std::string_view app;
  std::string_view conn;
  std::string_view user;
};

// One line on stdout: ts, level, msg, the context's members, then `fields`
// (an object; anything else is ignored).
void log_event(LogLevel level, std::string_view msg, const LogContext& context = {},
               const nlohmann::json& fields = nlohmann::json());
// The same line on stderr, whatever the level setting: a start that failed.
void log_to_stderr(LogLevel level, std::string_view msg, const nlohmann::json& fields = nlohmann::json());

// The text of a line (without its newline), at `now`: what log_event writes.
std::string format_log_line(LogLevel level, std::string_view msg, const LogContext& context,
                            const nlohmann::json& fields, std::chrono::system_clock::time_point now);

// At most `burst` lines per `period` for one kind of event; the others are
// counted and the next line let through says how many were left out
// ("suppressed": n). Lock-free, for loops: one per kind of event, shared by
// every thread that logs it.
class LogLimiter {
 public:
  explicit LogLimiter(std::uint32_t burst = 10, std::chrono::seconds period = std::chrono::seconds(10))
      : burst_(burst), period_(period) {}

  // True when a line may be written now; `suppressed` then receives the
  // lines left out since the last one let through.
  bool allow(std::uint64_t* suppressed) { return allow(suppressed, std::chrono::steady_clock::now()); }
  bool allow(std::uint64_t* suppressed, std::chrono::steady_clock::time_point now);  // tests choose the time

 private:
  const std::uint32_t burst_;
  const std::chrono::seconds period_;
  std::atomic<std::int64_t> window_{-1};  // which period the count is for
  std::atomic<std::uint64_t> used_{0};    // lines asked for in that period
  std::atomic<std::uint64_t> dropped_{0};  // left out since the last line let through
};

// log_event through `limiter`: nothing when the level is off or the limiter
// says no; else the line, with "suppressed" when lines were left out.
void log_limited(LogLimiter& limiter, LogLevel level, std::string_view msg, const LogContext& context,
                 nlohmann::json fields = nlohmann::json::object());

// The older form, still used by a few callers: `level` is "debug", "info",
// "warn" or "error", `app` may be empty.
void log_line(const char* level, const std::string& app, const std::string& msg, const nlohmann::json& extra);
void log_line(const char* level, const std::string& app, const std::string& msg);

}  // namespace gangway
