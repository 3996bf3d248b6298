#include "gateway/core/open_files.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace gangway {
namespace {

// Slots in this process's descriptor table, as the kernel reports them.
std::size_t fd_table_size() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("FDSize:", 0) == 0) return std::stoul(line.substr(7));
  return 0;
}

rlimit open_files_limit() {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  return r;
}

TEST(PrepareOpenFiles, RaisesTheSoftLimitToTheHardOneAndSizesTheTable) {
  const std::size_t before = fd_table_size();
  const std::size_t hard = static_cast<std::size_t>(open_files_limit().rlim_max);
  const std::size_t want = std::min<std::size_t>(8192, hard);
  ASSERT_LT(before, want) << "a fresh test process starts with a small table";
  const std::size_t limit = prepare_open_files(want);
  EXPECT_EQ(static_cast<std::size_t>(open_files_limit().rlim_cur), open_files_limit().rlim_max);
  EXPECT_EQ(limit, static_cast<std::size_t>(open_files_limit().rlim_cur));
  EXPECT_GE(fd_table_size(), want) << "the table was " << before;
}

TEST(PrepareOpenFiles, ZeroOnlyRaisesTheLimit) {
  const std::size_t before = fd_table_size();
  const std::size_t limit = prepare_open_files(0);
  EXPECT_EQ(limit, static_cast<std::size_t>(open_files_limit().rlim_max));
  EXPECT_EQ(fd_table_size(), before);
}

}  // namespace
}  // namespace gangway
