#include "gateway/core/open_files.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

namespace gangway {

std::size_t prepare_open_files(std::size_t most) {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return 0;
  if (r.rlim_cur < r.rlim_max) {
    rlimit raised = r;
    raised.rlim_cur = r.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) r = raised;
  }
  auto limit = static_cast<std::size_t>(std::min<rlim_t>(r.rlim_cur, most));
  // Duplicating a descriptor to the highest slot makes the kernel size the
  // table for it; closing the copy keeps the table. Failing is harmless: the
  // table then grows as before.
  if (limit > 1) {
    int any = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (any >= 0) {
      int top = ::fcntl(any, F_DUPFD_CLOEXEC, static_cast<int>(limit - 1));
      if (top >= 0) ::close(top);
      ::close(any);
    }
  }
  return static_cast<std::size_t>(r.rlim_cur);
}

}  // namespace gangway
