#include "tests/bench/clients.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "tests/bench/fleet.hpp"

namespace gangway::bench {
namespace {

class LocalClients final : public Clients {
 public:
  LocalClients(const Options& o, const ClientScript& s, std::size_t first, std::size_t count)
      : fleet_(o, s, first, count) {}
  void start() override { fleet_.start(); }
  std::uint64_t wait_setup(std::chrono::milliseconds timeout) override { return fleet_.wait_setup(timeout); }
  FleetReport finish(std::uint64_t published, std::chrono::milliseconds idle,
                     std::chrono::milliseconds max) override {
    return fleet_.finish(published, idle, max);
  }
  std::vector<int> pids() const override { return {static_cast<int>(getpid())}; }

 private:
  Fleet fleet_;
};

std::string read_line(FILE* in) {
  char* line = nullptr;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, in);
  std::string s = n > 0 ? std::string(line, static_cast<std::size_t>(n)) : std::string();
  std::free(line);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

void write_line(FILE* out, const std::string& s) {
  std::fputs(s.c_str(), out);
  std::fputc('\n', out);
  std::fflush(out);
}

// The child's side of the pipe protocol:
//   parent: "start"            child: "ready <subscribed>"
//   parent: "finish <P> <idle ms> <max ms>"  child: <FleetReport JSON>
[[noreturn]] void run_child(const Options& o, const ClientScript& s, std::size_t first, std::size_t count,
                            FILE* in, FILE* out) {
  int code = 0;
  try {
    Fleet fleet(o, s, first, count);
    if (read_line(in) == "start") {
      fleet.start();
      write_line(out, "ready " + std::to_string(fleet.wait_setup(std::chrono::seconds(o.setup_timeout_s))));
      unsigned long long published = 0;
      long idle_ms = 0, max_ms = 0;
      std::string cmd = read_line(in);
      if (std::sscanf(cmd.c_str(), "finish %llu %ld %ld", &published, &idle_ms, &max_ms) == 3) {
        auto report =
            fleet.finish(published, std::chrono::milliseconds(idle_ms), std::chrono::milliseconds(max_ms));
        write_line(out, report.to_json().dump());
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "gangway-load child: " << e.what() << "\n";
    code = 1;
  }
  std::fflush(nullptr);
  _exit(code);
}

class ForkedClients final : public Clients {
 public:
  struct Child {
    pid_t pid = -1;
    FILE* to = nullptr;
    FILE* from = nullptr;
  };

  ~ForkedClients() override {
    for (Child& c : children_) {
      if (c.to) std::fclose(c.to);
      if (c.from) std::fclose(c.from);
      if (c.pid > 0) waitpid(c.pid, nullptr, 0);
    }
  }

  bool spawn(const Options& o, const ClientScript& s) {
    for (std::size_t k = 0; k < o.procs; ++k) {
      std::size_t first = o.sockets * k / o.procs, last = o.sockets * (k + 1) / o.procs;
      int down[2], up[2];
      if (pipe(down) != 0 || pipe(up) != 0) return false;
      std::fflush(nullptr);
      pid_t pid = fork();
      if (pid < 0) return false;
      if (pid == 0) {
        for (Child& c : children_) {  // the earlier children's pipes belong to the parent
          std::fclose(c.to);
          std::fclose(c.from);
        }
        close(down[1]);
        close(up[0]);
        run_child(o, s, first, last - first, fdopen(down[0], "r"), fdopen(up[1], "w"));
      }
      close(down[0]);
      close(up[1]);
      children_.push_back(Child{pid, fdopen(down[1], "w"), fdopen(up[0], "r")});
    }
    return true;
  }

  void start() override {
    for (Child& c : children_) write_line(c.to, "start");
  }

  std::uint64_t wait_setup(std::chrono::milliseconds) override {  // each child applies the timeout
    std::uint64_t subscribed = 0;
    for (Child& c : children_) {
      unsigned long long n = 0;
      if (std::sscanf(read_line(c.from).c_str(), "ready %llu", &n) == 1) subscribed += n;
    }
    return subscribed;
  }

  FleetReport finish(std::uint64_t published, std::chrono::milliseconds idle,
                     std::chrono::milliseconds max) override {
    for (Child& c : children_)
      write_line(c.to, "finish " + std::to_string(published) + " " + std::to_string(idle.count()) + " " +
                           std::to_string(max.count()));
    FleetReport total;
    for (Child& c : children_) {
      auto j = nlohmann::json::parse(read_line(c.from), nullptr, false);
      if (j.is_object())
        total.merge(FleetReport::from_json(j));
      else
        ++total.errors["client process " + std::to_string(c.pid) + " sent no report"];
    }
    return total;
  }

  std::vector<int> pids() const override {
    std::vector<int> out{static_cast<int>(getpid())};  // the parent publishes
    for (const Child& c : children_) out.push_back(static_cast<int>(c.pid));
    return out;
  }

 private:
  std::vector<Child> children_;
};

}  // namespace

std::unique_ptr<Clients> make_clients(const Options& o, const ClientScript& script) {
  if (o.procs <= 1) return std::make_unique<LocalClients>(o, script, 0, o.sockets);
  auto forked = std::make_unique<ForkedClients>();
  if (!forked->spawn(o, script)) {
    std::perror("gangway-load: starting client processes");
    return nullptr;
  }
  return forked;
}

}  // namespace gangway::bench
