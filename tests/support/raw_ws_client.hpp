#pragma once
// A WebSocket client that shows the wire: the extensions the server answered,
// each frame's RSV1 bit (compressed or not), and frames sent exactly as given,
// compressed or broken. For permessage-deflate tests, where a library client
// would hide all of that. Blocking, on one TCP socket.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace gangway::test {

struct RawFrame {
  bool compressed = false;  // RSV1
  int opcode = 0;           // 1 text, 8 close, …
  std::string payload;      // as on the wire (still compressed if `compressed`)
  std::string text() const;  // the payload, inflated if compressed (RFC 7692 7.2.2)
  int close_code() const;    // for a close frame; 0 if it carries none
};

class RawWsClient {
 public:
  // Connects to 127.0.0.1:port and sends the upgrade for `target`, offering
  // `extensions` (the Sec-WebSocket-Extensions value; empty: none). A
  // `receive_buffer` (SO_RCVBUF, bytes) makes a client that stops reading
  // back up the server quickly.
  RawWsClient(int port, const std::string& target, const std::string& extensions, int receive_buffer = 0);
  ~RawWsClient();
  RawWsClient(const RawWsClient&) = delete;
  RawWsClient& operator=(const RawWsClient&) = delete;

  int http_status() const { return status_; }
  const std::string& extensions() const { return extensions_; }  // as the server answered them

  // One masked frame, FIN set, with `rsv1` as given and `payload` as it is.
  void send_frame(int opcode, const std::string& payload, bool rsv1 = false);
  void send_text(const std::string& text, bool compress = false);  // compressed alone if `compress`
  // The next frame, or nullopt on timeout or once the server closed the TCP connection.
  std::optional<RawFrame> next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads and drops everything until the server closes the TCP connection:
  // true if it did within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  bool read_exact(std::string& out, std::size_t n, std::chrono::milliseconds timeout);
  int fd_ = -1;
  int status_ = 0;
  std::string extensions_;
  std::string pending_;  // bytes read past the answer's headers
};

// `text` deflated alone as a permessage-deflate payload (without 00 00 ff ff).
std::string deflate_payload(const std::string& text);
// What a receiver does with such a payload (RFC 7692 7.2.2): appends 00 00 ff ff
// and inflates it; "<inflate failed>" if it is not valid deflate data.
std::string inflate_payload(const std::string& payload);

}  // namespace gangway::test
