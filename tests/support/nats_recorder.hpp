#pragma once
// A plain NATS subscriber (text protocol over a socket, own thread) that hands
// every message on gw.in.> and gw.out.> to record_nats(), for the contract checks.
// Subscribed before the constructor returns; reconnects after a server restart.
#include <atomic>
#include <string>
#include <thread>

namespace gangway::test {

class NatsRecorder {
 public:
  explicit NatsRecorder(int port);
  ~NatsRecorder();
  NatsRecorder(const NatsRecorder&) = delete;
  NatsRecorder& operator=(const NatsRecorder&) = delete;

 private:
  bool connect_and_subscribe();  // true once the server answered the subscription's PING
  void run();
  bool read_line(std::string& line);
  bool read_exact(std::size_t n, std::string& out);

  int port_;
  std::atomic<int> fd_{-1};
  std::atomic<bool> stopping_{false};
  std::string buffer_;
  std::thread thread_;
};

}  // namespace gangway::test
