#pragma once
// The socket as the session engine sees it: the engine (session/) decides what
// frames mean, the socket (net::WsSession) moves bytes. As Envoy's filters
// talk to their connection through callbacks, the engine talks to its socket
// only through these interfaces, so it can be driven in tests by a recording
// peer with no socket at all (tests/session/).
#include <functional>
#include <memory>
#include <string>

#include "gateway/fanout/connection.hpp"

namespace gangway {

class Session;

// Before the WebSocket exists: how the upgrade is answered.
class Handshake {
 public:
  virtual ~Handshake() = default;
  // Answers the upgrade request with a bare HTTP status (a refusal explains
  // nothing) and closes the connection.
  virtual void refuse(unsigned status) = 0;
  // Completes the WebSocket handshake; `then` runs on the loop once the
  // socket is open, and never if the handshake failed.
  virtual void accept(std::function<void()> then) = 0;
  // Once accepted: closes the WebSocket with `code` (a dialect that refuses
  // after accepting, as circles' 4401 and 4403).
  virtual void close(int code, std::string_view reason) = 0;
};

// Once the WebSocket is open. Every method runs on the socket's loop, but post().
class Peer : public Connection {
 public:
  // Queues a text frame; an empty one is not sent.
  SendResult send_text(std::string text) {
    if (text.empty()) return SendResult::queued;
    return send(make_frame(std::move(text)));
  }
  // The greeting: frames sent inside `greet` go out before every event that
  // reached the socket while its rooms were being joined; the client's
  // frames are read from then on.
  virtual void greet(const std::function<void()>& greet) = 0;
  // Closes like close(), but after the frames already queued are written
  // (close() drops those not yet started): a drain's 1001, after a store's
  // acknowledgement. Bounded by the close's deadline (handshake_timeout_s).
  virtual void finish(int code, std::string_view reason) = 0;
  // True once a close has started (or the socket failed): no more frames go out.
  virtual bool closing() const = 0;
  // Backpressure: the client's frames are not read until resume_reading()
  // (the session has as many waiting as it keeps, Limits::max_queued_frames).
  // The frame being handled is the last one read; the client's next ones
  // wait in the socket's buffers, and TCP slows the client down. Control
  // frames wait too (no pong meanwhile): for a short wait only. No pending
  // read holds the socket meanwhile: the session holds it (shared()) until
  // it resumes or the socket closes. Each is idempotent.
  virtual void pause_reading() = 0;
  virtual void resume_reading() = 0;
  // The session engine on this socket (for what reaches a socket through the
  // fan-out's members, as a disconnect does).
  virtual Session& engine() = 0;
  // Any thread: runs `fn` on the socket's loop, later, never inline.
  virtual void post(std::function<void()> fn) = 0;
  // This peer, shared (for Loopback).
  virtual std::shared_ptr<Peer> shared() = 0;
};

// A socket's loop as seen from an answer that arrives later: a callout's, the
// bus's, the fan-out's. What it runs, runs only while the socket is open
// (not closing); afterwards it is dropped. Copyable.
class Loopback {
 public:
  // `hold`: the socket stays alive until the answer has run or been dropped
  // (before the upgrade is accepted, nothing else holds it).
  Loopback(Peer& peer, bool hold) {
    if (hold) strong_ = peer.shared();
    else weak_ = peer.shared();
  }
  // Any thread: runs `fn` on the socket's loop, later, if the socket is open then.
  void post(std::function<void()> fn) const {
    auto peer = lock();
    if (!peer) return;
    peer->post([peer, fn = std::move(fn)] {
      if (!peer->closing()) fn();
    });
  }
  // On the socket's loop: runs `fn` now, if the socket is still open.
  void run(const std::function<void()>& fn) const {
    if (auto peer = lock(); peer && !peer->closing()) fn();
  }

 private:
  std::shared_ptr<Peer> lock() const { return strong_ ? strong_ : weak_.lock(); }
  std::shared_ptr<Peer> strong_;
  std::weak_ptr<Peer> weak_;
};

}  // namespace gangway
