#pragma once
// A real WebSocket client for integration tests (Beast, own I/O thread).
// Frames are queued as they arrive; next() waits for one with a timeout.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gangway::test {

struct Handshake {
  int http_status = 0;  // 101 on success, else the refusal status (401, 403, ...)
  std::string body;     // the refusal body
};

class WsClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  // Connects to ws://127.0.0.1:port<target>. Check handshake().http_status.
  WsClient(int port, const std::string& target, const Headers& headers = {},
           const std::string& source_address = "");
  ~WsClient();

  const Handshake& handshake() const;
  bool open() const;

  void send(const std::string& text);
  void send_binary(const std::string& data);
  // The next text frame, or nullopt after `timeout` (or once closed and drained).
  std::optional<std::string> next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Frames until one whose JSON `key` equals `value` (others are skipped), or nullopt.
  std::optional<std::string> next_where(const std::string& key, const std::string& value,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True if no frame arrives within `quiet`.
  bool silent_for(std::chrono::milliseconds quiet);
  // Waits until the server closed the socket; returns its close code (0 on timeout).
  int wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Once closed: the server's close reason, and when this client saw the close.
  std::string close_reason() const;
  std::chrono::steady_clock::time_point closed_at() const;
  void close(int code = 1000);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace gangway::test
