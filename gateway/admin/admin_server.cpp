#include "gateway/admin/admin_server.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace gangway {

struct AdminServer::Impl {
  Metrics& metrics;
  std::function<std::string()> not_ready;
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> listen_returned{false};
};

AdminServer::AdminServer(Metrics& metrics, std::function<std::string()> not_ready)
    : impl_(new Impl{metrics, std::move(not_ready), {}, {}, {}}) {
  auto& s = impl_->server;
  s.new_task_queue = [] { return new httplib::ThreadPool(1); };
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  s.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    auto why = impl_->not_ready();
    res.status = why.empty() ? 200 : 503;
    res.set_content(why.empty() ? "ready\n" : "not ready: " + why + "\n", "text/plain");
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(impl_->metrics.render(), "text/plain; version=0.0.4");
  });
}

AdminServer::~AdminServer() { stop(); }

std::uint16_t AdminServer::start(const std::string& host, std::uint16_t port) {
  int bound = port ? (impl_->server.bind_to_port(host.c_str(), port) ? port : -1)
                   : impl_->server.bind_to_any_port(host.c_str());
  if (bound <= 0) throw std::runtime_error("admin: cannot listen on " + host + ":" + std::to_string(port));
  impl_->thread = std::thread([this] {
    impl_->server.listen_after_bind();
    impl_->listen_returned = true;
  });
  // cpp-httplib ignores a stop() that comes before its thread serves, which
  // then serves forever and stop() never returns: start() returns once it serves.
  while (!impl_->server.is_running() && !impl_->listen_returned)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return static_cast<std::uint16_t>(bound);
}

void AdminServer::stop() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace gangway
