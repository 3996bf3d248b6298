#include "gateway/core/log.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace gangway {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::info)};
std::mutex g_write_mu;

// The whole line in as few write(2)s as the kernel allows (one, for a pipe
// and a line under PIPE_BUF), so lines never interleave.
void write_line(int fd, const std::string& line) {
  std::lock_guard lock(g_write_mu);
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stdout gone: nothing better to do with a log line
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void append_timestamp(std::string& out, std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[32];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  out.append(buf, n);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms % 1000));
  out += frac;
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view name) {
  if (name == "debug") return LogLevel::debug;
  if (name == "info") return LogLevel::info;
  if (name == "warn") return LogLevel::warn;
  if (name == "error") return LogLevel::error;
  return std::nullopt;
}

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

void set_log_level(LogLevel level) { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }

bool log_enabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

std::string format_log_line(LogLevel level, std::string_view msg, const LogContext& context,
                            const nlohmann::json& fields, std::chrono::system_clock::time_point now) {
  // Written in this order so `ts`, `level` and `msg` lead every line (a
  // json object would sort them).
  std::string out = "{\"ts\":\"";
  append_timestamp(out, now);
  out += "\",\"level\":\"";
  out += to_string(level);
  out += "\",\"msg\":";
  out += nlohmann::json(msg).dump();
  auto member = [&out](const char* name, std::string_view value) {
    if (value.empty()) return;
    out += ",\"";
    out += name;
    out += "\":";
    out += nlohmann::json(value).dump();
  };
  member("app", context.app);
  member("conn", context.conn);
  member("user", context.user);
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      out += ',';
      out += nlohmann::json(it.key()).dump();
      out += ':';
      // Replaced, not thrown: a log line must never take the gateway down.
      out += it.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  out += '}';
  return out;
}

void log_event(LogLevel level, std::string_view msg, const LogContext& context, const nlohmann::json& fields) {
  if (!log_enabled(level)) return;
  write_line(STDOUT_FILENO, format_log_line(level, msg, context, fields, std::chrono::system_clock::now()) + "\n");
}

void log_to_stderr(LogLevel level, std::string_view msg, const nlohmann::json& fields) {
  write_line(STDERR_FILENO, format_log_line(level, msg, {}, fields, std::chrono::system_clock::now()) + "\n");
}

bool LogLimiter::allow(std::uint64_t* suppressed, std::chrono::steady_clock::time_point now) {
  auto since_epoch = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  std::int64_t window = since_epoch.count() / period_.count();
  std::int64_t seen = window_.load(std::memory_order_relaxed);
  // The first caller of a new period resets the count; a racing caller may
  // count in the old one: a line more or less, never a lock.
  if (seen != window && window_.compare_exchange_strong(seen, window, std::memory_order_relaxed))
    used_.store(0, std::memory_order_relaxed);
  if (used_.fetch_add(1, std::memory_order_relaxed) < burst_) {
    *suppressed = dropped_.exchange(0, std::memory_order_relaxed);
    return true;
  }
  dropped_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

void log_limited(LogLimiter& limiter, LogLevel level, std::string_view msg, const LogContext& context,
                 nlohmann::json fields) {
  if (!log_enabled(level)) return;
  std::uint64_t suppressed = 0;
  if (!limiter.allow(&suppressed)) return;
  if (suppressed > 0 && fields.is_object()) fields["suppressed"] = suppressed;
  log_event(level, msg, context, fields);
}

void log_line(const char* level, const std::string& app, const std::string& msg, const nlohmann::json& extra) {
  log_event(parse_log_level(level).value_or(LogLevel::info), msg, {app, {}, {}}, extra);
}

void log_line(const char* level, const std::string& app, const std::string& msg) {
  log_line(level, app, msg, nlohmann::json());
}

}  // namespace gangway
