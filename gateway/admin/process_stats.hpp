#pragma once
// The process_* metrics every Prometheus client library exports, read from
// /proc/self at each scrape (on the admin thread): CPU time, memory, file
// descriptors, start time.
#include <optional>

#include "gateway/admin/exposition.hpp"

namespace gangway {

struct ProcessStats {
  double cpu_seconds = 0;         // user + system
  double resident_bytes = 0;      // RSS
  double virtual_bytes = 0;
  double open_fds = 0;            // entries of /proc/self/fd: one per socket, so a scrape costs O(sockets)
  double max_fds = 0;             // the soft RLIMIT_NOFILE
  double start_time_seconds = 0;  // since the Unix epoch
};

// nullopt where /proc is missing or unreadable.
std::optional<ProcessStats> read_process_stats();

// The process_* families (nothing where /proc cannot be read) and
// gangway_build_info (core/build_info.hpp).
void render_process_metrics(Exposition& out);

}  // namespace gangway
