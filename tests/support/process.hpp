#pragma once
// Child processes for integration tests: started with fork/exec, stopped by
// their PID (SIGTERM, then SIGKILL) when the handle is destroyed.
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gangway::test {

class NatsRecorder;

// A loopback TCP port that was free a moment ago: random, below the kernel's
// ephemeral range, so no client socket takes it before the server binds it.
int free_port();

// Blocks until something accepts TCP connections on 127.0.0.1:port, or the timeout.
bool wait_for_port(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));

class ChildProcess {
 public:
  ChildProcess() = default;
  // argv[0] is the executable path. Output goes to `log_path` (or /dev/null),
  // truncated first unless `append`.
  ChildProcess(std::vector<std::string> argv, const std::string& log_path = "", bool append = false);
  ~ChildProcess();
  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&& o) noexcept;

  pid_t pid() const { return pid_; }
  bool running();
  // Waits up to `timeout` for the process to exit by itself: its wait status
  // (WIFEXITED…), or nullopt if it is still running (it is left running).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit status (or -1).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  void kill_hard();  // SIGKILL, for crash tests

 private:
  pid_t pid_ = -1;
};

// A temporary directory removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A real nats-server on a free loopback port, with JetStream unless told
// otherwise, and its monitoring endpoints (/connz, /varz) on another.
class NatsServer {
 public:
  enum class JetStream { on, off };
  struct Options {
    JetStream js = JetStream::on;
    // Written to nats-server.conf in the server's directory and passed as
    // -c (authorization, tls, operator…); the port flags still win.
    std::string config;
    std::vector<std::string> args;  // more command-line flags, e.g. {"--user", "u", "--pass", "p"}
  };
  // Starts and waits until it accepts connections (fails the test otherwise).
  explicit NatsServer(JetStream js = JetStream::on);
  explicit NatsServer(Options options);
  int port() const { return port_; }
  int monitor_port() const { return monitor_port_; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  ChildProcess& process() { return proc_; }
  void restart();  // stop and start again on the same port (reconnect tests)
  // The server's own log (what it refused, and why).
  std::string log() const;

 private:
  bool start(bool last_try);  // false if it exited (its port was taken): reported on the last try
  TempDir dir_;
  int port_ = 0;
  int monitor_port_ = 0;
  Options options_;
  ChildProcess proc_;
  std::shared_ptr<NatsRecorder> recorder_;  // only with GANGWAY_CONTRACT_LOG (tests/contracts)
};

}  // namespace gangway::test
