// Fanout against a real nats-server: a join's `ready` means the server has the
// subscription, so an event another client publishes right then arrives.
#include "gateway/fanout/fanout.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/registry.hpp"
#include "gateway/admin/metrics.hpp"
#include "gateway/bus/nats_bus.hpp"
#include "tests/support/process.hpp"

namespace gangway::test {
namespace fanout_test {  // its own: the unity build compiles it with other test files
namespace {

// One tribe adapter for the whole file, as an app holds one.
const Adapter& tribe_adapter() {
  static const auto adapter = make_adapter("tribe");
  return *adapter;
}


using namespace std::chrono_literals;

// Stands in for one gateway loop: jobs posted to it run on the test thread.
class TestLoop {
 public:
  void post(std::function<void()> job) {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
    cv_.notify_one();
  }
  // Runs jobs until `done` holds or `limit` passes; returns `done()`.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      std::unique_lock lock(mu_);
      if (!cv_.wait_until(lock, deadline, [&] { return !jobs_.empty(); })) return done();
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
    }
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
};

class RecordingConnection final : public Connection {
 public:
  RecordingConnection() { info_.conn_id = "c1"; info_.user.id = "u1"; }
  SendResult send(const Frame& frame) override {
    frames.push_back(frame->text());
    shared.push_back(frame);
    return SendResult::queued;
  }
  void close(int, std::string_view) override {}
  const SessionInfo& info() const override { return info_; }
  std::vector<std::string> frames;
  std::vector<Frame> shared;  // the same frames, to see which bytes are shared

 private:
  SessionInfo info_;
};

std::unique_ptr<bus::NatsBus> connect(const NatsServer& nats) {
  std::string error;
  auto bus = bus::NatsBus::create({nats.url()}, &error);
  EXPECT_TRUE(bus) << error;
  return bus;
}

TEST(FanoutTest, AnEventPublishedWhenAJoinIsReadyIsDelivered) {
  NatsServer nats;
  auto gateway_bus = connect(nats);
  auto backend = connect(nats);  // another client, as a REST service would be
  ASSERT_TRUE(gateway_bus && backend);
  TestLoop loop;
  Fanout fanout(*gateway_bus, 1, [&](std::size_t, std::function<void()> job) { loop.post(std::move(job)); });
  AppMetrics metrics;
  RecordingConnection conn;
  const Adapter& tribe = tribe_adapter();

  // Many fresh rooms at once: without waiting for the server, some publishes
  // would overtake their SUB and be dropped.
  constexpr int kRooms = 200;
  int ready = 0;
  for (int i = 0; i < kRooms; ++i) {
    std::string subject = "gw.out.tribe.conversation.c" + std::to_string(i);
    fanout.join(0, subject, {"conversation", "c" + std::to_string(i)}, tribe, metrics, &conn, [&, subject] {
      ++ready;
      backend->publish(subject, R"({"event":"message.new","data":{"text":"hi"}})");
    });
  }
  EXPECT_EQ(ready, 0) << "ready must wait for the server, not run inside join";
  EXPECT_TRUE(loop.run_until([&] { return conn.frames.size() == kRooms; }))
      << ready << " joins ready, " << conn.frames.size() << " of " << kRooms << " events delivered";
  EXPECT_EQ(fanout.subscribed_subjects(), static_cast<std::size_t>(kRooms));
}

TEST(FanoutTest, AJoinToASubscribedRoomIsReadyAtOnce) {
  NatsServer nats;
  auto bus = connect(nats);
  ASSERT_TRUE(bus);
  TestLoop loop;
  Fanout fanout(*bus, 1, [&](std::size_t, std::function<void()> job) { loop.post(std::move(job)); });
  AppMetrics metrics;
  RecordingConnection first, second;
  const Adapter& tribe = tribe_adapter();
  bool first_ready = false, second_ready = false;
  fanout.join(0, "gw.out.tribe.conversation.c", {"conversation", "c"}, tribe, metrics, &first,
              [&] { first_ready = true; });
  ASSERT_TRUE(loop.run_until([&] { return first_ready; }));
  fanout.join(0, "gw.out.tribe.conversation.c", {"conversation", "c"}, tribe, metrics, &second,
              [&] { second_ready = true; });
  EXPECT_TRUE(second_ready);
}

// A fan-out over two loops, with a connection that publishes like a backend.
class TwoLoopFanoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bus_ = connect(nats_);
    backend_ = connect(nats_);
    ASSERT_TRUE(bus_ && backend_);
    fanout_ = std::make_unique<Fanout>(*bus_, 2, [&](std::size_t i, std::function<void()> job) {
      loops_[i].post(std::move(job));
    });
  }
  void TearDown() override { fanout_.reset(); }

  // Joins `room` on `loop` and runs that loop until the join is ready.
  void join(std::size_t loop, const std::string& subject, const RoomKey& room, RecordingConnection& c) {
    bool ready = false;
    fanout_->join(loop, subject, room, tribe_, metrics_, &c, [&] { ready = true; });
    ASSERT_TRUE(loops_[loop].run_until([&] { return ready; }));
  }

  NatsServer nats_;
  std::unique_ptr<bus::NatsBus> bus_, backend_;
  TestLoop loops_[2];
  AppMetrics metrics_;
  const Adapter& tribe_ = tribe_adapter();
  std::unique_ptr<Fanout> fanout_;
};

// A room with members on two loops: the event is parsed and encoded once (by
// whichever loop gets to it first) and both loops queue the same bytes; a body
// that does not parse is counted once and reaches no one.
TEST_F(TwoLoopFanoutTest, AnEventIsEncodedOnceForAllLoops) {
  RecordingConnection on0, on1;
  const std::string subject = "gw.out.tribe.conversation.c";
  ASSERT_NO_FATAL_FAILURE(join(0, subject, {"conversation", "c"}, on0));
  ASSERT_NO_FATAL_FAILURE(join(1, subject, {"conversation", "c"}, on1));

  ASSERT_EQ(backend_->publish(subject, "{not json"), bus::BusError::ok);
  ASSERT_EQ(backend_->publish(subject, R"({"event":"message.new","data":{"text":"once"}})"), bus::BusError::ok);
  ASSERT_TRUE(loops_[0].run_until([&] { return on0.frames.size() == 1; }));
  ASSERT_TRUE(loops_[1].run_until([&] { return on1.frames.size() == 1; }));
  EXPECT_EQ(on0.shared[0], on1.shared[0]) << "both loops must queue the same encoded bytes";
  EXPECT_NE(on0.frames[0].find("once"), std::string::npos);
  EXPECT_EQ(metrics_.bus_messages.load(), 2u) << "each message parsed once, not once per loop";
  EXPECT_EQ(metrics_.bus_bad_messages.load(), 1u);
}

// A room with its own subscription keeps its members per loop: a loop whose
// members all left gets nothing more while the other loop still does, and the
// room comes back whole after its last member left and a new one joined.
TEST_F(TwoLoopFanoutTest, AnOwnRoomFollowsLeavesPerLoopAndComesBack) {
  RecordingConnection on0, on1, again;
  const std::string subject = "gw.out.tribe.conversation.r";
  const RoomKey room{"conversation", "r"};
  ASSERT_NO_FATAL_FAILURE(join(0, subject, room, on0));
  ASSERT_NO_FATAL_FAILURE(join(1, subject, room, on1));

  fanout_->leave(1, subject, &on1);
  fanout_->leave(1, subject, &on1);  // idempotent
  ASSERT_EQ(backend_->publish(subject, R"({"event":"message.new","data":{"text":"loop 0 only"}})"), bus::BusError::ok);
  ASSERT_TRUE(loops_[0].run_until([&] { return on0.frames.size() == 1; }));
  loops_[1].run_until([] { return false; }, 100ms);
  EXPECT_TRUE(on1.frames.empty());
  EXPECT_EQ(fanout_->subscribed_subjects(), 1u);

  fanout_->leave(0, subject, &on0);
  EXPECT_EQ(fanout_->subscribed_subjects(), 0u) << "the last leave drops the subscription";
  ASSERT_NO_FATAL_FAILURE(join(1, subject, room, again));
  ASSERT_EQ(backend_->publish(subject, R"({"event":"message.new","data":{"text":"back"}})"), bus::BusError::ok);
  ASSERT_TRUE(loops_[1].run_until([&] { return again.frames.size() == 1; }));
  EXPECT_NE(again.frames[0].find("back"), std::string::npos);
  loops_[0].run_until([] { return false; }, 100ms);
  EXPECT_EQ(on0.frames.size(), 1u);
}

// With one delivery thread (the default) a socket gets the events of its
// rooms in the order NATS delivered them, across rooms too.
TEST(FanoutTest, EventsOfDifferentRoomsKeepTheirOrderOnALoop) {
  NatsServer nats;
  auto bus = connect(nats);
  auto backend = connect(nats);
  ASSERT_TRUE(bus && backend);
  TestLoop loop;
  Fanout fanout(*bus, 1, [&](std::size_t, std::function<void()> job) { loop.post(std::move(job)); });
  AppMetrics metrics;
  RecordingConnection conn;
  const Adapter& tribe = tribe_adapter();
  int ready = 0;
  for (const char* id : {"a", "b", "c"})
    fanout.join(0, std::string("gw.out.tribe.conversation.") + id, {"conversation", id}, tribe, metrics, &conn,
                [&] { ++ready; });
  ASSERT_TRUE(loop.run_until([&] { return ready == 3; }));
  constexpr int kEvents = 300;
  for (int i = 0; i < kEvents; ++i)
    ASSERT_EQ(backend->publish(std::string("gw.out.tribe.conversation.") + "abc"[i % 3],
                               R"({"event":"message.new","data":{"n":)" + std::to_string(i) + "}}"),
              bus::BusError::ok);
  ASSERT_TRUE(loop.run_until([&] { return conn.frames.size() == kEvents; }));
  for (int i = 0; i < kEvents; ++i)
    ASSERT_NE(conn.frames[i].find(R"("n":)" + std::to_string(i) + "}"), std::string::npos)
        << "event " << i << " arrived as " << conn.frames[i];
}

// Rooms of a shared kind (conn, user) ride one `<prefix>.*` subscription.
class FanoutSharedTest : public TwoLoopFanoutTest {
 protected:
  void SetUp() override {
    TwoLoopFanoutTest::SetUp();
    if (HasFatalFailure()) return;
    fanout_->share("gw.out.tribe.conn", tribe_, metrics_);
  }

  void join(std::size_t loop, const std::string& id, RecordingConnection& c) {
    TwoLoopFanoutTest::join(loop, "gw.out.tribe.conn." + id, {"conn", id}, c);
  }
  void publish(const std::string& id, const std::string& text) {
    ASSERT_EQ(backend_->publish("gw.out.tribe.conn." + id, R"({"event":"message.new","data":{"text":")" + text +
                                                               R"("}})"),
              bus::BusError::ok);
  }

};

TEST_F(FanoutSharedTest, EachRoomGetsOnlyItsOwnEvents) {
  RecordingConnection a, b;
  join(0, "a", a);
  join(0, "b", b);
  publish("nobody", "another gateway's socket");
  publish("a", "for a");
  publish("b", "for b");
  ASSERT_TRUE(loops_[0].run_until([&] { return a.frames.size() == 1 && b.frames.size() == 1; }));
  EXPECT_NE(a.frames[0].find("for a"), std::string::npos) << a.frames[0];
  EXPECT_NE(b.frames[0].find("for b"), std::string::npos) << b.frames[0];
  EXPECT_EQ(fanout_->subscribed_subjects(), 1u) << "one wildcard, not a subscription per room";
}

TEST_F(FanoutSharedTest, NothingAfterTheLastMemberLeaves) {
  RecordingConnection a, b;
  join(0, "a", a);
  join(0, "b", b);
  fanout_->leave(0, "gw.out.tribe.conn.a", &a);
  publish("a", "late");
  publish("b", "marker");
  // One subscription delivers in order: once b has the marker, a's event was dropped.
  ASSERT_TRUE(loops_[0].run_until([&] { return b.frames.size() == 1; }));
  loops_[0].run_until([] { return false; }, std::chrono::milliseconds(100));
  EXPECT_TRUE(a.frames.empty());
}

TEST_F(FanoutSharedTest, MembersOnTwoLoopsBothReceive) {
  RecordingConnection on0, on1;
  join(0, "x", on0);
  join(1, "x", on1);
  publish("x", "both");
  EXPECT_TRUE(loops_[0].run_until([&] { return on0.frames.size() == 1; }));
  EXPECT_TRUE(loops_[1].run_until([&] { return on1.frames.size() == 1; }));
  fanout_->leave(1, "gw.out.tribe.conn.x", &on1);
  publish("x", "only loop 0");
  EXPECT_TRUE(loops_[0].run_until([&] { return on0.frames.size() == 2; }));
  loops_[1].run_until([] { return false; }, std::chrono::milliseconds(100));
  EXPECT_EQ(on1.frames.size(), 1u);
}

// visit() reaches a room's local members on the loops that have them, own
// rooms and shared ones alike, and nothing for a room with no local member.
TEST_F(FanoutSharedTest, AVisitReachesEachLocalMemberOnItsOwnLoop) {
  RecordingConnection x0, x1, other, own0;
  join(0, "x", x0);
  join(1, "x", x1);
  join(0, "y", other);
  ASSERT_NO_FATAL_FAILURE(TwoLoopFanoutTest::join(0, "gw.out.tribe.conversation.v", {"conversation", "v"}, own0));
  // The test's loops run on this thread, one at a time: `running` says which
  // loop a visit ran on.
  std::size_t running = 0;
  std::vector<std::pair<std::size_t, const Connection*>> visited;
  auto record = [&](Connection& c) { visited.emplace_back(running, &c); };
  fanout_->visit("gw.out.tribe.conn.x", record);
  running = 0;
  ASSERT_TRUE(loops_[0].run_until([&] { return visited.size() >= 1; }));
  running = 1;
  ASSERT_TRUE(loops_[1].run_until([&] { return visited.size() == 2; }));
  EXPECT_EQ(visited[0], (std::pair<std::size_t, const Connection*>{0, &x0})) << "loop 0 ran loop 0's member";
  EXPECT_EQ(visited[1], (std::pair<std::size_t, const Connection*>{1, &x1})) << "loop 1 ran loop 1's member";

  visited.clear();
  fanout_->visit("gw.out.tribe.conversation.v", record);
  running = 0;
  ASSERT_TRUE(loops_[0].run_until([&] { return visited.size() == 1; }));
  EXPECT_EQ(visited[0].second, &own0);

  visited.clear();
  fanout_->visit("gw.out.tribe.conn.nobody", record);
  fanout_->visit("gw.out.tribe.conversation.nobody", record);
  loops_[0].run_until([] { return false; }, 100ms);
  loops_[1].run_until([] { return false; }, 100ms);
  EXPECT_TRUE(visited.empty());
}

}  // namespace
}  // namespace fanout_test
}  // namespace gangway::test
