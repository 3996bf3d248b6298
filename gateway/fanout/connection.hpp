#pragma once
// What the fan-out needs of a socket. Implemented by net::WsSession; every
// method runs on the connection's own loop.
#include <string>

#include "gateway/core/model.hpp"
#include "gateway/fanout/frame.hpp"

namespace gangway {

// What became of a frame handed to Connection::send.
enum class SendResult {
  queued,    // on the socket's write queue (or being written)
  overflow,  // the queue would pass its bound: the slow consumer is being closed (1008), the frame dropped
  shed,      // an event the socket is too far behind to take (DeliveryLimits::max_delay): dropped
  closed,    // the socket is closing or not open yet: dropped
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Queues a frame; a socket that falls behind sheds events and, stuck or
  // full, is dropped as a slow consumer, never slowing the room.
  // Must not join or leave rooms synchronously (the fan-out is iterating).
  virtual SendResult send(const Frame& frame) = 0;
  // Starts a close handshake with this code (1001 on drain).
  virtual void close(int code, std::string_view reason) = 0;
  virtual const SessionInfo& info() const = 0;
};

}  // namespace gangway
