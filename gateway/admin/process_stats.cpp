#include "gateway/admin/process_stats.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/core/build_info.hpp"

namespace gangway {
namespace {

// The fields of /proc/self/stat after the command's closing parenthesis
// (the command may hold spaces and parentheses): [0] is field 3, the state.
std::optional<std::vector<std::string>> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(text.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  if (fields.size() < 22) return std::nullopt;
  return fields;
}

// The boot time, from /proc/stat's `btime`.
double boot_time() {
  std::ifstream in("/proc/stat");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  return 0;
}

double open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return 0;
  double n = 0;
  while (auto* entry = readdir(dir))
    if (entry->d_name[0] != '.') ++n;
  closedir(dir);
  return n - 1;  // the directory's own descriptor
}

}  // namespace

std::optional<ProcessStats> read_process_stats() {
  auto f = stat_fields();
  if (!f) return std::nullopt;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  ProcessStats s;
  try {
    // proc(5), counting from 1: utime 14, stime 15, starttime 22, vsize 23, rss 24.
    s.cpu_seconds = (std::stod((*f)[11]) + std::stod((*f)[12])) / ticks;
    s.start_time_seconds = boot_time() + std::stod((*f)[19]) / ticks;
    s.virtual_bytes = std::stod((*f)[20]);
    s.resident_bytes = std::stod((*f)[21]) * page;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  s.open_fds = open_fds();
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) s.max_fds = static_cast<double>(limit.rlim_cur);
  return s;
}

void render_process_metrics(Exposition& out) {
  using Type = Exposition::Type;
  const auto& b = build_info();
  out.family("gangway_build", Type::info, "The gateway's version, commit, build type and compiler.");
  out.sample(Exposition::label("version", b.version) + "," + Exposition::label("commit", b.commit) + "," +
                 Exposition::label("build_type", b.build_type) + "," + Exposition::label("compiler", b.compiler),
             std::uint64_t{1});
  auto s = read_process_stats();
  if (!s) return;
  out.family("process_cpu_seconds", Type::counter, "User and system CPU time spent, in seconds.");
  out.sample("", s->cpu_seconds);
  out.family("process_resident_memory_bytes", Type::gauge, "Resident memory size in bytes.");
  out.sample("", s->resident_bytes);
  out.family("process_virtual_memory_bytes", Type::gauge, "Virtual memory size in bytes.");
  out.sample("", s->virtual_bytes);
  out.family("process_open_fds", Type::gauge, "Open file descriptors (sockets included).");
  out.sample("", s->open_fds);
  out.family("process_max_fds", Type::gauge, "The most file descriptors the process may open (soft limit).");
  out.sample("", s->max_fds);
  out.family("process_start_time_seconds", Type::gauge, "Start time of the process since the Unix epoch, in seconds.");
  out.sample("", s->start_time_seconds);
}

}  // namespace gangway
