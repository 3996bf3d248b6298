#pragma once
// An https server for tests: cpp-httplib's SSLServer on a free loopback port
// with a certificate from a TestCa, answering every GET and POST with
// `handler` on its own thread. Header-only: it needs httplib.h, which only
// the test folders that link cpp-httplib (with its OpenSSL build flags) see.
#include <httplib.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/test_ca.hpp"

namespace gangway::test {

class HttpsServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  HttpsServer(const TestCa::Issued& cert, Handler handler)
      : server_(cert.cert_file.c_str(), cert.key_file.c_str()), handler_(std::move(handler)) {
    EXPECT_TRUE(server_.is_valid()) << "SSLServer could not load " << cert.cert_file;
    auto serve = [this](const httplib::Request& req, httplib::Response& res) {
      ++requests_;
      handler_(req, res);
    };
    server_.Get(".*", serve);
    server_.Post(".*", serve);
    server_.set_keep_alive_timeout(1);
    port_ = server_.bind_to_any_port("127.0.0.1");
    EXPECT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() before the accept loop runs would be lost (see TestBackend).
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~HttpsServer() {
    server_.stop();
    thread_.join();
  }
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  int port() const { return port_; }
  // `host` must be a name the certificate carries.
  std::string url(const std::string& host = "127.0.0.1") const { return "https://" + host + ":" + std::to_string(port_); }
  // Requests that got past the TLS handshake and reached the handler.
  int requests() const { return requests_.load(); }

 private:
  httplib::SSLServer server_;
  Handler handler_;
  std::atomic<int> requests_{0};
  int port_ = 0;
  std::thread thread_;
};

}  // namespace gangway::test
