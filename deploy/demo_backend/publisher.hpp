#pragma once
// Publishing the demo's events on NATS. Publisher is the seam the route
// logic depends on; NatsPublisher is the nats.c implementation.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "deploy/demo_backend/http_reply.hpp"

namespace demo {

// Who tells a room about a write. A REST call publishes the room's event
// itself, as it does for a browser (and for a gateway store configured with
// persist.<kind>.fan_out "backend"); a NATS store worker leaves it to the
// gateway, which fans out the worker's answer. Side notices to user rooms
// (circles' dm_message, winkr's conversation:unread) are the service's own
// either way: the gateway does not know them.
enum class RoomEvent { publish, leave_to_gateway };

class Publisher {
 public:
  virtual ~Publisher() = default;
  // True while a NATS connection is up (not while connecting or reconnecting).
  virtual bool connected() const = 0;
  // Publishes and flushes: true only once the server has acknowledged the
  // round trip. False when disconnected, on error or on timeout — the caller
  // must then not report success. Thread-safe.
  virtual bool publish(const std::string& subject, const std::string& body) = 0;
};

class NatsPublisher final : public Publisher {
 public:
  // Starts connecting to `url` and returns at once: an unreachable server is
  // retried in the background forever. Throws std::runtime_error for an
  // unusable URL or a nats.c failure other than "not yet connected".
  explicit NatsPublisher(const std::string& url);
  ~NatsPublisher() override;  // closes the connection (call nats_Close() after)
  NatsPublisher(const NatsPublisher&) = delete;
  NatsPublisher& operator=(const NatsPublisher&) = delete;

  bool connected() const override;
  bool publish(const std::string& subject, const std::string& body) override;

  // A store worker for the gateway's `persist.<kind>.via: request`: answers
  // requests on `subject` (in queue group `queue`, so replicas share them)
  // with handle(body)'s 2xx body, or with NATS services' error headers
  // (Nats-Service-Error, Nats-Service-Error-Code) for any other status.
  using Handler = std::function<HttpReply(std::string_view body)>;
  void serve(const std::string& subject, const std::string& queue, Handler handle);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace demo
