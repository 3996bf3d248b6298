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
#include <fstream>
#include <sstream>
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

ChildProcess::ChildProcess(std::vector<std::string> argv, const std::string& log_path, bool append) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::setpgid(0, 0);
    int out = ::open(log_path.empty() ? "/dev/null" : log_path.c_str(), O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
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

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
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

NatsServer::NatsServer(JetStream js) : NatsServer(Options{js, {}, {}}) {}

NatsServer::NatsServer(Options options) : options_(std::move(options)) {
  if (!options_.config.empty()) std::ofstream(dir_.path() + "/nats-server.conf") << options_.config;
  // A port free a moment ago may be taken by another test's server before
  // ours binds it: then ours exits, and another free port is tried.
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_port();
    monitor_port_ = free_port();
    if (start(attempt == 2)) break;
  }
  // The recorder speaks plain, anonymous NATS: a secured server would refuse it.
  bool secured = !options_.config.empty() || !options_.args.empty();
  if (contract_log_enabled() && !secured) recorder_ = std::make_shared<NatsRecorder>(port_);
}

bool NatsServer::start(bool last_try) {
  std::vector<std::string> args{NATS_SERVER_BIN};
  if (!options_.config.empty()) args.insert(args.end(), {"-c", dir_.path() + "/nats-server.conf"});
  args.insert(args.end(), {"-a", "127.0.0.1", "-p", std::to_string(port_), "-m", std::to_string(monitor_port_)});
  if (options_.js == JetStream::on) args.insert(args.end(), {"-js", "-sd", dir_.path() + "/js"});
  args.insert(args.end(), options_.args.begin(), options_.args.end());
  auto ready_count = [this] {
    std::string text = log();
    std::size_t n = 0;
    for (auto at = text.find("Server is ready"); at != std::string::npos; at = text.find("Server is ready", at + 1)) ++n;
    return n;
  };
  std::size_t before = ready_count();
  // Appended, so a restart's log keeps what the server said before it.
  proc_ = ChildProcess(args, dir_.path() + "/nats.log", true);
  // Ready by its own word, not merely something listening on the port.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ready_count() == before && proc_.running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (ready_count() > before && wait_for_port(port_)) return true;
  if (last_try || proc_.running()) ADD_FAILURE() << "nats-server did not start on port " << port_ << ":\n" << log();
  return false;
}

void NatsServer::restart() {
  proc_.stop();
  start(true);
}

std::string NatsServer::log() const {
  std::ifstream in(dir_.path() + "/nats.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace gangway::test
