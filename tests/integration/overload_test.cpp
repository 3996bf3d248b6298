// The gateway under a publisher that outruns its sockets (docs/architecture.md,
// "Overload"): a socket that never reads is closed (1008) while the others
// receive everything, within a memory bound; a flood with no flush (often
// beyond what the gateway can deliver here) leaves /readyz and new upgrades
// answered, memory within its bound, and SIGTERM exits within the drain
// deadline. Nothing here is timed but that deadline.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "gateway/bus/nats_bus.hpp"
#include "tests/bus/bus_test_util.hpp"
#include "tests/integration/stack.hpp"
#include "tests/support/raw_ws_client.hpp"

namespace gangway::test {
namespace {

using bus::test::eventually;
using nlohmann::json;
using namespace std::chrono_literals;

const std::string kSubject = "gw.out.tribe.conversation.c-general";
constexpr std::int64_t kMiB = 1024 * 1024;
// The drain deadline of the flood test's gateway (drain.grace_s): it exits by
// one second before it.
constexpr auto kDrainDeadline = 4s;

// Whether the gateway's peak RSS says anything about its bounds. Not in the
// sanitizer builds (tests/sanitize.sh), which build the gateway as this test:
// ASan keeps up to 256 MiB of freed blocks in quarantine and pads every block,
// TSan shadows every byte; the bounds themselves are still checked there (the
// 1008, the readers' events, the exit in time).
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GANGWAY_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GANGWAY_SANITIZED 1
#endif
#ifdef GANGWAY_SANITIZED
constexpr bool kRssMeasurable = false;
#else
constexpr bool kRssMeasurable = true;
#endif

// A chat-like event of about 200 bytes with its sequence number.
std::string event(int n) {
  return json{{"event", "message.new"},
              {"data",
               {{"id", "m-" + std::to_string(n)},
                {"conversation_id", "c-general"},
                {"seq", n},
                {"created_at", "2026-12-07T12:00:00Z"},
                {"content", std::string(110, 'x')}}}}
      .dump();
}

std::int64_t status_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field, 0) == 0) return std::atoll(line.c_str() + field.size());
  return 0;
}

// The value of an unlabelled or summed series on /metrics (0 if absent).
std::uint64_t metric(int admin_port, const std::string& name) {
  auto [status, body] = http_get(admin_port, "/metrics");
  std::uint64_t sum = 0;
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(name, 0) == 0 && (line[name.size()] == ' ' || line[name.size()] == '{'))
      sum += std::strtoull(line.c_str() + line.rfind(' ') + 1, nullptr, 10);
  return sum;
}

std::string subscribe_frame() {
  return json{{"event", "subscribe"}, {"channel", "conversation"}, {"conversation_id", "c-general"}}.dump();
}

void subscribe(WsClient& c) {
  c.send(subscribe_frame());
  EXPECT_TRUE(c.next_where("event", "subscribed", 10s)) << "no subscribed";
}

// A socket that subscribes and then never reads again, with a small receive
// buffer so the gateway's writes to it stall soon.
std::unique_ptr<RawWsClient> stalled_socket(int port, const std::string& token) {
  auto c = std::make_unique<RawWsClient>(port, "/api/v1/ws?token=" + token, "", 4096);
  EXPECT_EQ(c->http_status(), 101);
  EXPECT_TRUE(c->next());  // connected
  c->send_text(subscribe_frame());
  auto f = c->next(10s);
  EXPECT_TRUE(f && f->text().find("subscribed") != std::string::npos);
  return c;
}

json config_with(const std::string& nats_url, int backend_port, const json& delivery) {
  json c = tribe_config(nats_url, backend_port);
  c["delivery"] = delivery;
  return c;
}

// Sequence numbers of the events a reader got, in order.
std::vector<int> read_events(WsClient& c, std::size_t n) {
  std::vector<int> seqs;
  while (seqs.size() < n) {
    auto f = c.next(10s);
    if (!f) break;
    auto j = json::parse(*f, nullptr, false);
    if (j.is_object() && j.value("event", "") == "message.new") seqs.push_back(j["data"]["seq"].get<int>());
  }
  return seqs;
}

TEST(Overload, ASocketThatNeverReadsIsClosedAndTheOthersGetEverything) {
  NatsServer nats;
  DemoBackend backend(nats.url());
  // No time-shedding here (its tests are tests/fanout and tests/net): what
  // is asserted is the byte bound of the stalled socket's queue, 1 MiB.
  const std::int64_t backlog = 8 * kMiB;
  GatewayProcess gw(config_with(nats.url(), backend.port(), {{"max_backlog_bytes", backlog}, {"max_delay_ms", 60'000}}));
  std::vector<std::unique_ptr<WsClient>> readers;
  for (const char* user : {"alice", "bob", "carol"}) {
    readers.push_back(tribe_connect(gw.port(), backend.login(user)));
    subscribe(*readers.back());
  }
  auto stalled = stalled_socket(gw.port(), backend.login("bob"));
  const std::int64_t base_kib = status_kib(gw.process().pid(), "VmRSS:");

  std::string error;
  auto publisher = bus::NatsBus::create({nats.url()}, &error);
  ASSERT_TRUE(publisher) << error;
  // Bursts paced by the readers: they keep up, the stalled socket does not.
  constexpr int kBurst = 1000, kMaxBursts = 100;
  int published = 0;
  for (int b = 0; b < kMaxBursts && metric(gw.admin_port(), "gangway_slow_consumers_total") == 0; ++b) {
    for (int i = 0; i < kBurst; ++i) ASSERT_EQ(publisher->publish(kSubject, event(published++)), bus::BusError::ok);
    for (auto& r : readers) {
      auto seqs = read_events(*r, kBurst);
      ASSERT_EQ(seqs.size(), static_cast<std::size_t>(kBurst)) << "a reader that keeps up lost events";
      for (int i = 0; i < kBurst; ++i) ASSERT_EQ(seqs[i], published - kBurst + i) << "out of order";
    }
  }
  ASSERT_EQ(metric(gw.admin_port(), "gangway_slow_consumers_total"), 1u)
      << "the stalled socket was not closed after " << published << " events\n" << gw.log();

  // What the stalled socket still finds on its connection ends with a 1008.
  int close_code = 0;
  for (int frames = 0; frames < 1'000'000 && !close_code; ++frames) {
    auto f = stalled->next(10s);
    if (!f) break;
    if (f->opcode == 8) close_code = f->close_code();
  }
  EXPECT_EQ(close_code, 1008);

  // The readers go on receiving.
  ASSERT_EQ(publisher->publish(kSubject, event(published)), bus::BusError::ok);
  for (auto& r : readers) EXPECT_EQ(read_events(*r, 1), std::vector<int>{published});

  // Memory: the base plus the bounds (docs/architecture.md, "Overload"): two
  // loops' backlogs, four sockets' queues, nats.c's pending bytes for the
  // room; twice that for the allocator's slack.
  const std::int64_t peak_kib = status_kib(gw.process().pid(), "VmHWM:");
  const std::int64_t budget_kib = 2 * (2 * backlog + 4 * kMiB + 8 * kMiB) / 1024;
  if (kRssMeasurable) {
    EXPECT_LE(peak_kib, base_kib + budget_kib) << "base " << base_kib << " KiB";
  }
  std::printf("base %lld KiB, peak %lld KiB, budget %lld KiB, %d events\n", static_cast<long long>(base_kib),
              static_cast<long long>(peak_kib), static_cast<long long>(budget_kib), published);
}

TEST(Overload, UnderAFloodItStillAnswersAndExitsOnSigtermInTime) {
  NatsServer nats;
  DemoBackend backend(nats.url());
  json config = tribe_config(nats.url(), backend.port());
  config["delivery"] = json::object();  // the default delivery limits (stack.cpp relaxes them otherwise)
  config["drain"] = {{"grace_s", kDrainDeadline.count()}, {"refuse_after_s", 0}, {"flush_s", 2}};
  GatewayProcess gw(config);
  const std::int64_t base_kib = status_kib(gw.process().pid(), "VmRSS:");
  // Readers that take what they are sent and drop it, until the gateway closes them.
  constexpr int kReaders = 8;
  std::vector<std::unique_ptr<RawWsClient>> sockets;
  for (int i = 0; i < kReaders; ++i) {
    const char* users[] = {"alice", "bob", "carol"};
    sockets.push_back(std::make_unique<RawWsClient>(gw.port(), "/api/v1/ws?token=" + backend.login(users[i % 3]), ""));
    ASSERT_EQ(sockets.back()->http_status(), 101);
    ASSERT_TRUE(sockets.back()->next());  // connected
    sockets.back()->send_text(subscribe_frame());
    auto f = sockets.back()->next(10s);
    ASSERT_TRUE(f && f->text().find("subscribed") != std::string::npos);
  }
  std::string error;
  auto publisher = bus::NatsBus::create({nats.url()}, &error);
  ASSERT_TRUE(publisher) << error;
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> published{0};
  std::vector<std::thread> threads;
  struct Joiner {  // whatever fails below, the threads are joined first
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~Joiner() {
      stop = true;
      for (auto& t : threads) t.join();
    }
  } joiner{stop, threads};
  // Each answers the gateway's close and then closes its TCP connection, as
  // clients do (one that does not holds the drain until its deadline).
  for (auto& s : sockets)
    threads.emplace_back([&s] {
      while (auto f = s->next(60s))
        if (f->opcode == 8) s->send_frame(8, f->payload);
      s.reset();
    });
  // As fast as NATS takes them, with no flush: on this machine often more
  // than the loops can deliver (the dropped count printed below says).
  threads.emplace_back([&] {
    for (int n = 0; !stop; ++n)
      if (publisher->publish(kSubject, event(n)) == bus::BusError::ok) ++published;
  });
  ASSERT_TRUE(eventually([&] { return published > 100'000; }, 30s));

  // Still serving: readiness, an upgrade that subscribes, /metrics.
  EXPECT_EQ(http_get(gw.admin_port(), "/readyz"), std::make_pair(200, std::string("ready\n")));
  auto late = tribe_connect(gw.port(), backend.login("alice"));
  subscribe(*late);
  std::printf("while flooding: %llu published, %llu events dropped, %llu sockets closed\n",
              static_cast<unsigned long long>(published.load()),
              static_cast<unsigned long long>(metric(gw.admin_port(), "gangway_events_dropped_total") +
                                              metric(gw.admin_port(), "gangway_deliveries_dropped_total")),
              static_cast<unsigned long long>(metric(gw.admin_port(), "gangway_slow_consumers_total")));

  // Memory as in the test above: two loops' backlogs (the defaults), nine
  // sockets' queues, nats.c's pending bytes for the room, twice for slack.
  const std::int64_t peak_kib = status_kib(gw.process().pid(), "VmHWM:");
  const std::int64_t budget_kib = 2 * (2 * 8 * kMiB + 9 * kMiB + 8 * kMiB) / 1024;
  if (kRssMeasurable) {
    EXPECT_LE(peak_kib, base_kib + budget_kib) << "base " << base_kib << " KiB";
  }

  // SIGTERM while the flood goes on: out within the drain deadline.
  ASSERT_EQ(::kill(gw.process().pid(), SIGTERM), 0);
  auto status = gw.process().wait(kDrainDeadline);
  ASSERT_TRUE(status) << "still running " << kDrainDeadline.count() << " s after SIGTERM\n" << gw.log();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << gw.log();
  EXPECT_EQ(late->wait_closed(), 1001);
}

}  // namespace
}  // namespace gangway::test
