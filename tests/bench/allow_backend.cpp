#include "tests/bench/allow_backend.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

namespace gangway::bench {

namespace {

// The social bench (social_script.cpp) logs in with the cookie session_id=<user_id>,
// where user_id = group * 100'000'000 + i + 1. Its app's session callout
// (/internal/social/session, user_pointer /user_id, name_pointer /username) and
// user_groups callout (/internal/social/users/{user_id}/groups) get those back.
// Empty (the bare {"allowed":true}) for every other path, tribe's included.
std::string social_fields(const httplib::Request& req) {
  constexpr std::string_view kUsers = "/internal/social/users/";
  std::string_view path = req.path;
  auto digits = [](std::string_view s) { return s.substr(0, s.find_first_not_of("0123456789")); };
  if (path == "/internal/social/session") {
    std::string cookie = req.get_header_value("Cookie");
    auto at = cookie.find("session_id=");
    std::string_view id = at == std::string::npos ? "" : digits(std::string_view(cookie).substr(at + 11));
    if (id.empty() || id.size() > 15) return "";  // no user: the gateway refuses the upgrade
    return R"(,"user_id":)" + std::string(id) + R"(,"username":"load-)" + std::string(id) + '"';
  }
  if (path.starts_with(kUsers) && path.ends_with("/groups")) {
    std::string_view id = digits(path.substr(kUsers.size()));
    if (id.empty() || id.size() > 15) return "";
    return R"(,"group_ids":[)" + std::to_string(std::stoull(std::string(id)) / 100'000'000) + "]";
  }
  return "";
}

}  // namespace

struct AllowBackend::Impl {
  httplib::Server server;
  std::thread thread;
  std::atomic<std::uint64_t> requests{0};
};

AllowBackend::AllowBackend(int port) : impl_(std::make_unique<Impl>()) {
  auto& svr = impl_->server;
  auto allow = [this](const httplib::Request& req, httplib::Response& res) {
    impl_->requests.fetch_add(1, std::memory_order_relaxed);
    res.set_content(R"({"allowed":true)" + social_fields(req) + "}", "application/json");
  };
  svr.Get(".*", allow);
  svr.Post(".*", allow);
  // The gateway keeps a few connections alive; don't make it reconnect every 5 requests.
  svr.set_keep_alive_max_count(1'000'000);
  svr.set_keep_alive_timeout(60);
  // httplib gives each kept-alive connection a worker thread for its life: a
  // gateway with several apps (dialects.sh: five, four connections each)
  // needs more than the default pool of 8, or its callouts queue and time out.
  svr.new_task_queue = [] { return new httplib::ThreadPool(64); };
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
