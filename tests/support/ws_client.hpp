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
  int http_status = 0;  // 101 on success, else the refusal status (401, 403, ...); -1: no connection or no TLS
  std::string body;     // the refusal body
  std::string error;    // why there was no connection (e.g. the TLS handshake's failure)
};

// wss: how the client checks the server, and its own certificate if any.
struct ClientTls {
  // Not an aggregate, and two strings at least: so that a brace list of
  // headers, {{"Origin", "…"}}, cannot be taken for a ClientTls.
  ClientTls(std::string ca, std::string name, std::string cert = {}, std::string key = {})
      : ca_file(std::move(ca)), server_name(std::move(name)), cert_file(std::move(cert)), key_file(std::move(key)) {}
  std::string ca_file;      // trusted CAs (PEM); the chain and the name are verified
  std::string server_name;  // the name (or IP) the certificate must carry; SNI too for a name
  std::string cert_file, key_file;  // a client certificate, for servers that ask for one
};

class WsClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  // Connects to ws://127.0.0.1:port<target>. Check handshake().http_status.
  WsClient(int port, const std::string& target, const Headers& headers = {},
           const std::string& source_address = "");
  // Connects to wss://127.0.0.1:port<target>: the TLS handshake, then the upgrade.
  WsClient(int port, const std::string& target, const ClientTls& tls, const Headers& headers = {});
  ~WsClient();

  const Handshake& handshake() const;
  // wss: the server certificate seen, "subject <RFC 2253>, serial <hex>"; "" before or without TLS.
  const std::string& server_certificate() const;
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

  struct Impl;  // ws_client.cpp: the shared state, under a plain or a TLS socket

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace gangway::test
