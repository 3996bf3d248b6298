#pragma once
// A tiny HTTP backend that allows everything: 200 {"allowed":true} to any GET
// or POST. Point an app's callouts at it to measure the gateway, not a backend.
#include <cstdint>
#include <memory>

namespace gangway::bench {

class AllowBackend {
 public:
  // Listens on 127.0.0.1:port in its own threads; throws if it cannot bind.
  explicit AllowBackend(int port);
  ~AllowBackend();
  AllowBackend(const AllowBackend&) = delete;
  AllowBackend& operator=(const AllowBackend&) = delete;
  std::uint64_t requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gangway::bench
