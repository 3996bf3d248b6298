// The admin listener's life cycle.
#include "gateway/admin/admin_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <thread>

namespace gangway {
namespace {

// A gateway stopped right after it started (a failed start-up, a test) must
// not wait forever: the admin server's thread may not be serving yet when
// stop() comes, and cpp-httplib ignores a stop() before it serves.
TEST(AdminServer, StopsEvenRightAfterStart) {
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  std::thread([done] {
    Metrics metrics;
    for (int i = 0; i < 50; ++i) {
      AdminServer admin(metrics, [] { return std::string(); });
      admin.start("127.0.0.1", 0);
      admin.stop();
    }
    done->set_value();
  }).detach();
  if (finished.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    // The stuck thread cannot be unwound: report and end the process.
    std::cerr << "AdminServer::stop() right after start() did not return within 20 s\n";
    std::_Exit(1);
  }
}

}  // namespace
}  // namespace gangway
