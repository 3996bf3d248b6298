#include "tests/support/test_backend.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace gangway::test {

std::string SeenRequest::header(const std::string& name) const {
  auto it = headers.find(name);  // httplib::Headers compares names case-insensitively
  return it == headers.end() ? std::string() : it->second;
}

TestBackend::TestBackend() {
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
  server_.Get(".*", handler);
  server_.Post(".*", handler);
  server_.Put(".*", handler);
  server_.Patch(".*", handler);
  server_.Delete(".*", handler);
  // Held requests (/slow, /trickle) each take a thread: room for the tests that hold many.
  server_.new_task_queue = [] { return new httplib::ThreadPool(64); };
  // Idle keep-alive connections hold a server thread; keep shutdown quick.
  server_.set_keep_alive_timeout(1);
  server_.set_tcp_nodelay(true);  // else Nagle and delayed ACKs add ~40 ms per answer
  port_ = server_.bind_to_any_port("127.0.0.1");
  EXPECT_GT(port_, 0);
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so a test that ends at once
  // would otherwise leave listen_after_bind() blocked forever.
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TestBackend::~TestBackend() {
  release();
  server_.stop();
  thread_.join();
}

std::vector<SeenRequest> TestBackend::requests() {
  std::lock_guard lock(mutex_);
  return seen_;
}

std::size_t TestBackend::request_count() {
  std::lock_guard lock(mutex_);
  return seen_.size();
}

bool TestBackend::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return seen_.size() >= n; });
}

void TestBackend::release() {
  {
    std::lock_guard lock(mutex_);
    released_ = true;
  }
  changed_.notify_all();
}

void TestBackend::answer(const std::string& path, int status, std::string body) {
  std::lock_guard lock(mutex_);
  answers_[path] = {status, std::move(body)};
}

void TestBackend::handle(const httplib::Request& req, httplib::Response& res) {
  std::optional<std::pair<int, std::string>> set;
  {
    std::lock_guard lock(mutex_);
    seen_.push_back({req.method, req.target, req.path, req.headers, req.body});
    if (auto it = answers_.find(req.path); it != answers_.end()) set = it->second;
  }
  changed_.notify_all();
  if (set && set->first == 0) {  // held like /slow, then answered 200
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
    set->first = 200;
  }
  if (set) {
    res.status = set->first;
    res.set_content(set->second, "application/json");
    return;
  }

  const std::string& p = req.path;
  if (p.rfind("/status/", 0) == 0) {
    res.status = std::stoi(p.substr(8));
    // httplib would send a body with a 204 that the client (rightly) does not
    // read, desynchronising the keep-alive connection.
    if (res.status != 204 && res.status != 304) res.set_content(R"({"ok":true})", "application/json");
  } else if (p == "/participant/true" || p == "/participant/false") {
    res.set_content(std::string(R"({"participant":)") + (p == "/participant/true" ? "true" : "false") + "}",
                    "application/json");
  } else if (p == "/session") {
    // A session endpoint (seed 003): "Cookie: session_id=N" is user N.
    auto cookie = req.get_header_value("Cookie");
    auto at = cookie.find("session_id=");
    std::string id = at == std::string::npos ? "" : cookie.substr(at + 11, cookie.find(';', at) - at - 11);
    if (id.empty()) {
      res.status = 401;
      res.set_content(R"({"error":"not logged in"})", "application/json");
    } else {
      res.set_content(R"({"user_id":)" + id + R"(,"username":"user)" + id + "\"}", "application/json");
    }
  } else if (p == "/text") {
    res.set_content("plain words", "text/plain");
  } else if (p == "/slow" || p.rfind("/slow/", 0) == 0) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
    res.set_content(R"({"ok":true})", "application/json");
  } else if (p == "/trickle") {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    res.set_chunked_content_provider("application/json", [this, until](std::size_t, httplib::DataSink& sink) {
      std::unique_lock lock(mutex_);
      if (released_ || std::chrono::steady_clock::now() > until) {
        sink.done();
        return true;
      }
      changed_.wait_for(lock, std::chrono::milliseconds(100), [this] { return released_; });
      lock.unlock();
      return sink.write(" ", 1);  // false once the client is gone: ends the response
    });
  } else {
    res.set_content(R"({"ok":true})", "application/json");
  }
}

}  // namespace gangway::test
