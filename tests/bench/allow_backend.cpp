#include "tests/bench/allow_backend.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace gangway::bench {

struct AllowBackend::Impl {
  httplib::Server server;
  std::thread thread;
  std::atomic<std::uint64_t> requests{0};
};

AllowBackend::AllowBackend(int port) : impl_(std::make_unique<Impl>()) {
  auto& svr = impl_->server;
  auto allow = [this](const httplib::Request&, httplib::Response& res) {
    impl_->requests.fetch_add(1, std::memory_order_relaxed);
    res.set_content(R"({"allowed":true})", "application/json");
  };
  svr.Get(".*", allow);
  svr.Post(".*", allow);
  // The gateway keeps a few connections alive; don't make it reconnect every 5 requests.
  svr.set_keep_alive_max_count(1'000'000);
  svr.set_keep_alive_timeout(60);
  // httplib writes headers and body separately: without this every answer
  // waits for the gateway's delayed ACK (~40 ms).
  svr.set_tcp_nodelay(true);
  if (!svr.bind_to_port("127.0.0.1", port))
    throw std::runtime_error("allow-backend: cannot bind 127.0.0.1:" + std::to_string(port));
  impl_->thread = std::thread([&svr] { svr.listen_after_bind(); });
  while (!svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

AllowBackend::~AllowBackend() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint64_t AllowBackend::requests() const { return impl_->requests.load(); }

}  // namespace gangway::bench
