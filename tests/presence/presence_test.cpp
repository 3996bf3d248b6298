// Presence over the in-process bus (one node) and across two "gateways" on a real nats-server.
#include "gateway/presence/presence.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "gateway/bus/local_bus.hpp"
#include "gateway/bus/nats_bus.hpp"
#include "tests/bus/bus_test_util.hpp"
#include "tests/support/process.hpp"

namespace gangway {
namespace {

using namespace std::chrono_literals;

using bus::test::eventually;

const RoomKey kRoom{"channel", "c1"};

TEST(Presence, TracksSocketsPerUserAndRoom) {
  bus::LocalBus bus;
  Presence p(bus, nullptr, "test-presence", "gw-a");
  p.enter("app", kRoom, "u1", "c-1");
  p.enter("app", kRoom, "u1", "c-2");
  p.enter("app", kRoom, "u2", "c-3");
  p.enter("app", {"channel", "other"}, "u3", "c-4");
  p.enter("other-app", kRoom, "u4", "c-5");
  EXPECT_EQ(p.users("app", kRoom), (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(p.count("app", kRoom, "u1"), 2u);
  EXPECT_TRUE(p.present("app", kRoom, "u1", "c-1")) << "u1 has another socket";
  EXPECT_FALSE(p.present("app", kRoom, "u2", "c-3")) << "u2 has no other socket";
  p.leave("app", kRoom, "u1", "c-1");
  EXPECT_FALSE(p.present("app", kRoom, "u1", "c-2"));
  p.leave("app", kRoom, "u1", "c-2");
  EXPECT_EQ(p.users("app", kRoom), (std::vector<std::string>{"u2"}));
  p.leave("app", kRoom, "u9", "never-entered");  // harmless
}

// This gateway's keys outlive the ttl (each refresh renews them) and survive
// another writer's delete; another gateway's key goes once it is not renewed.
TEST(Presence, KeepsItsOwnKeysAndLetsOthersExpire) {
  bus::LocalBus bus;
  Presence p(bus, nullptr, "test-presence", "gw-a", 2s);  // refreshes every ~0.7 s
  p.enter("app", kRoom, "alice", "c-a1");
  bus.publish("$KV.test-presence.app.channel.c1.bob.c-b1", "gw-b");  // another gateway's socket
  ASSERT_TRUE(eventually([&] { return p.users("app", kRoom) == std::vector<std::string>{"alice", "bob"}; }));
  bus.publish("$KV.test-presence.app.channel.c1.alice.c-a1", "", {{"KV-Operation", "DEL"}});
  EXPECT_TRUE(eventually([&] { return p.users("app", kRoom) == std::vector<std::string>{"alice"}; }, 5s))
      << "bob is not renewed and expires; alice's socket is still here";
  std::this_thread::sleep_for(2500ms);  // longer than the ttl
  EXPECT_EQ(p.users("app", kRoom), std::vector<std::string>{"alice"});
  p.leave("app", kRoom, "alice", "c-a1");
  EXPECT_TRUE(p.users("app", kRoom).empty());
}

TEST(Presence, IsClusterWideOverNats) {
  test::NatsServer server;
  std::string error;
  auto bus_a = bus::NatsBus::create({server.url()}, &error);
  auto bus_b = bus::NatsBus::create({server.url()}, &error);
  ASSERT_TRUE(bus_a && bus_b) << error;
  ASSERT_TRUE(eventually([&] { return bus_a->connected() && bus_b->connected(); }));
  Presence a(*bus_a, bus_a.get(), "gw-presence", "gw-a");
  Presence b(*bus_b, bus_b.get(), "gw-presence", "gw-b");

  a.enter("app", kRoom, "alice", "c-a1");
  EXPECT_TRUE(eventually([&] { return b.users("app", kRoom) == std::vector<std::string>{"alice"}; }));
  EXPECT_TRUE(eventually([&] { return b.present("app", kRoom, "alice", "c-b1"); }));
  a.leave("app", kRoom, "alice", "c-a1");
  EXPECT_TRUE(eventually([&] { return b.users("app", kRoom).empty(); }));

  // A gateway that starts later loads what is already there from the bucket.
  a.enter("app", kRoom, "bob", "c-a2");
  ASSERT_TRUE(eventually([&] { return bus_a->kv_get("gw-presence", "app.channel.c1.bob.c-a2").has_value(); }));
  Presence late(*bus_b, bus_b.get(), "gw-presence", "gw-c");
  EXPECT_EQ(late.users("app", kRoom), std::vector<std::string>{"bob"});
  // The snapshot has keys only: which gateway holds the socket is known from its next write.
  EXPECT_EQ(late.sockets("app", kRoom, "bob").at(0).gateway, "");
}

// Each socket of a user, with the gateway that holds it: the admin API's list.
TEST(Presence, KnowsWhichGatewayHoldsEachSocket) {
  test::NatsServer server;
  std::string error;
  auto bus_a = bus::NatsBus::create({server.url()}, &error);
  auto bus_b = bus::NatsBus::create({server.url()}, &error);
  ASSERT_TRUE(bus_a && bus_b) << error;
  ASSERT_TRUE(eventually([&] { return bus_a->connected() && bus_b->connected(); }));
  Presence a(*bus_a, bus_a.get(), "gw-presence", "gw-a");
  Presence b(*bus_b, bus_b.get(), "gw-presence", "gw-b");
  const RoomKey user{"user", "alice"};
  a.enter("app", user, "alice", "c-1");
  b.enter("app", user, "alice", "c-2");
  b.enter("app", {"user", "bob"}, "bob", "c-3");
  auto both = [](const Presence& p) {
    auto s = p.sockets("app", {"user", "alice"}, "alice");
    return s.size() == 2 && s[0].conn == "c-1" && s[0].gateway == "gw-a" && s[1].conn == "c-2" && s[1].gateway == "gw-b";
  };
  EXPECT_TRUE(eventually([&] { return both(a); })) << "a knows b's socket, and its own";
  EXPECT_TRUE(eventually([&] { return both(b); }));
  b.leave("app", user, "alice", "c-2");
  EXPECT_TRUE(eventually([&] { return a.sockets("app", user, "alice").size() == 1; }));
}

// The bucket is kept in memory, so a nats-server that restarts loses it: the
// refresh re-creates it and re-publishes this gateway's keys, so a gateway
// that starts afterwards still sees who is online.
TEST(Presence, RebuildsItsBucketAfterTheBusRestarts) {
  test::NatsServer server;
  std::string error;
  auto bus = bus::NatsBus::create({server.url()}, &error);
  ASSERT_TRUE(bus) << error;
  ASSERT_TRUE(eventually([&] { return bus->connected(); }));
  Presence a(*bus, bus.get(), "gw-presence", "gw-a", 3s);  // refreshes every second
  a.enter("app", kRoom, "alice", "c-a1");
  auto stored = [&] { return bus->kv_get("gw-presence", "app.channel.c1.alice.c-a1").has_value(); };
  ASSERT_TRUE(eventually(stored));

  server.restart();
  ASSERT_TRUE(eventually([&] { return bus->connected(); }));
  EXPECT_TRUE(eventually(stored));
  Presence late(*bus, bus.get(), "gw-presence", "gw-c", 3s);
  EXPECT_EQ(late.users("app", kRoom), std::vector<std::string>{"alice"});
}

// Without JetStream there is no bucket for other systems to read: the gateway
// says so once, and gateways still share presence through the $KV subjects.
TEST(Presence, WithoutJetStreamSaysSoAndStillSharesPresence) {
  test::NatsServer server(test::NatsServer::JetStream::off);
  std::string error;
  auto bus_a = bus::NatsBus::create({server.url()}, &error);
  auto bus_b = bus::NatsBus::create({server.url()}, &error);
  ASSERT_TRUE(bus_a && bus_b) << error;
  ASSERT_TRUE(eventually([&] { return bus_a->connected() && bus_b->connected(); }));
  testing::internal::CaptureStdout();
  Presence a(*bus_a, bus_a.get(), "gw-presence", "gw-a");
  std::string log = testing::internal::GetCapturedStdout();
  EXPECT_NE(log.find("presence bucket unavailable"), std::string::npos) << log;
  Presence b(*bus_b, bus_b.get(), "gw-presence", "gw-b");

  a.enter("app", kRoom, "alice", "c-a1");
  EXPECT_TRUE(eventually([&] { return b.users("app", kRoom) == std::vector<std::string>{"alice"}; }));
  a.leave("app", kRoom, "alice", "c-a1");
  EXPECT_TRUE(eventually([&] { return b.users("app", kRoom).empty(); }));
}

}  // namespace
}  // namespace gangway
