#include "tests/support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/contract_log.hpp"
#include "tests/support/nats_recorder.hpp"

namespace gangway::test {

namespace {

// True if `port` (0: any) can be bound on 127.0.0.1 now; sets `port` to the one bound.
bool bindable(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  socklen_t len = sizeof addr;
  if (ok) ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  port = ntohs(addr.sin_port);
  return ok;
}

// The lowest ephemeral port: the kernel hands ports from there up to every
// outgoing connection, so a port picked there can be taken by a client
// socket between the pick and the server's bind.
int ephemeral_low() {
  int low = 32768, high = 60999;
  if (FILE* f = std::fopen("/proc/sys/net/ipv4/ip_local_port_range", "r")) {
    if (std::fscanf(f, "%d %d", &low, &high) != 2) low = 32768;
    std::fclose(f);
  }
  return low;
}

}  // namespace

int free_port() {
  // Below the ephemeral range (see ephemeral_low), at random: concurrent
  // test processes rarely pick the same one.
  static thread_local unsigned seed = static_cast<unsigned>(::getpid()) * 2654435761u ^
                                      static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count());
  int low = 10000, high = ephemeral_low();
  for (int attempt = 0; high - low > 1000 && attempt < 50; ++attempt) {
    int port = low + static_cast<int>(::rand_r(&seed) % static_cast<unsigned>(high - low));
    if (bindable(port)) return port;
  }
  int port = 0;
  if (!bindable(port)) throw std::runtime_error("free_port: bind failed");
  return port;
}

bool wait_for_port(int port, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::close(fd);
    if (rc == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

ChildProcess::ChildProcess(std::vector<std::string> argv, const std::string& log_path) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::setpgid(0, 0);
    int out = ::open(log_path.empty() ? "/dev/null" : log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
      ::close(out);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) stop();
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_) { o.pid_ = -1; }

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    if (pid_ > 0) stop();
    pid_ = o.pid_;
    o.pid_ = -1;
  }
  return *this;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

void ChildProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/gangway-test-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

NatsServer::NatsServer(JetStream js) : js_(js) {
  port_ = free_port();
  monitor_port_ = free_port();
  start();
  if (contract_log_enabled()) recorder_ = std::make_shared<NatsRecorder>(port_);
}

void NatsServer::start() {
  std::vector<std::string> args{NATS_SERVER_BIN, "-a", "127.0.0.1", "-p", std::to_string(port_),
                                "-m", std::to_string(monitor_port_)};
  if (js_ == JetStream::on) args.insert(args.end(), {"-js", "-sd", dir_.path() + "/js"});
  proc_ = ChildProcess(args, dir_.path() + "/nats.log");
  if (!wait_for_port(port_)) ADD_FAILURE() << "nats-server did not start on port " << port_;
}

void NatsServer::restart() {
  proc_.stop();
  start();
}

}  // namespace gangway::test
