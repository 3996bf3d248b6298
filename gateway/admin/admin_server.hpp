#pragma once
// The admin listener: /healthz (the process serves), /readyz (NATS connected,
// so a load balancer only routes to gateways that can deliver), /metrics.
// Runs on its own thread; it is not on the data path.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gateway/admin/metrics.hpp"

namespace gangway {

class AdminServer {
 public:
  // `not_ready` (on the admin thread): empty when the gateway is ready, else
  // why not, which /readyz shows after "not ready: " (it must hold no secret).
  AdminServer(Metrics& metrics, std::function<std::string()> not_ready);
  ~AdminServer();
  // Binds and starts serving; returns the bound port. Throws std::runtime_error if it cannot bind.
  std::uint16_t start(const std::string& host, std::uint16_t port);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gangway
