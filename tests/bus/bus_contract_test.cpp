// The Bus contract (gateway/bus/bus.hpp), one suite run against both
// implementations: LocalBus in-process, NatsBus against a real nats-server.
// What only one of them does (JetStream's dedupe, reconnects, the local
// dispatcher's teardown) stays in local_bus_test.cpp and nats_bus_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "gateway/bus/local_bus.hpp"
#include "gateway/bus/nats_bus.hpp"
#include "tests/bus/bus_test_util.hpp"
#include "tests/support/process.hpp"

namespace gangway::bus {
namespace {

using namespace std::chrono_literals;
using test::Acks;
using test::Collector;
using test::Messages;
using test::Replies;
using test::into;

struct Local {
  std::unique_ptr<LocalBus> bus = std::make_unique<LocalBus>();
  void durable(const std::string&) {}  // every subject takes durable publishes
};

struct Nats {
  gangway::test::NatsServer server;
  std::unique_ptr<NatsBus> bus = [this] {
    NatsOptions o;
    o.url = server.url();
    o.name = "bus-contract";
    std::string error;
    auto b = NatsBus::create(o, &error);
    EXPECT_TRUE(b) << error;
    return b;
  }();
  void durable(const std::string& subjects) { ASSERT_EQ(bus->ensure_stream("CONTRACT", {subjects}), BusError::ok); }
};

template <class Impl>
class BusContract : public ::testing::Test {
 protected:
  Impl impl_;
  Bus& bus() { return *impl_.bus; }
};

using Implementations = ::testing::Types<Local, Nats>;
class Names {
 public:
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, Local> ? "LocalBus" : "NatsBus";
  }
};
TYPED_TEST_SUITE(BusContract, Implementations, Names);

TYPED_TEST(BusContract, DeliversToExactAndWildcardSubscribersWithHeaders) {
  Bus& bus = this->bus();
  auto exact = std::make_shared<Messages>(), star = std::make_shared<Messages>(), tail = std::make_shared<Messages>(),
       other = std::make_shared<Messages>();
  auto s1 = bus.subscribe("gw.out.app.dm.2", into(exact));
  auto s2 = bus.subscribe("gw.out.*.dm.2", into(star));
  auto s3 = bus.subscribe("gw.out.>", into(tail));
  auto s4 = bus.subscribe("gw.in.>", into(other));
  ASSERT_TRUE(s1 && s2 && s3 && s4);
  auto flushed = std::make_shared<Acks>();
  bus.flush(5s, into(flushed));  // the subscriptions are in place before the publishes
  ASSERT_TRUE(flushed->wait_for(1));
  EXPECT_EQ(flushed->items()[0], BusError::ok);
  Headers h{{"X-One", "1"}, {"X-Two", "a"}, {"X-Two", "b"}};
  ASSERT_EQ(bus.publish("gw.out.app.dm.2", std::string("bin\0ary", 7), h), BusError::ok);
  ASSERT_EQ(bus.publish("gw.out.app.all", "all"), BusError::ok);
  ASSERT_TRUE(exact->wait_for(1) && star->wait_for(1) && tail->wait_for(2));
  auto got = exact->items()[0];
  EXPECT_EQ(got.subject, "gw.out.app.dm.2");
  EXPECT_EQ(got.data, std::string("bin\0ary", 7));
  std::sort(got.headers.begin(), got.headers.end());
  EXPECT_EQ(got.headers, h);
  EXPECT_TRUE(got.reply.empty());
  EXPECT_EQ(tail->items()[1].data, "all");
  EXPECT_EQ(other->size(), 0u);
  EXPECT_EQ(exact->size(), 1u);
  EXPECT_TRUE(bus.connected());
}

TYPED_TEST(BusContract, RefusesInvalidSubjects) {
  Bus& bus = this->bus();
  EXPECT_EQ(bus.subscribe("gw..x", [](Message&&) {}), nullptr);
  EXPECT_EQ(bus.subscribe("gw.>.x", [](Message&&) {}), nullptr);
  EXPECT_EQ(bus.publish("gw.*", "x"), BusError::failed);
  EXPECT_EQ(bus.publish("gw.>", "x"), BusError::failed);
  EXPECT_EQ(bus.publish("", "x"), BusError::failed);
  auto r = std::make_shared<Replies>();
  bus.request("gw.*", "x", 5s, into(r));
  ASSERT_TRUE(r->wait_for(1));
  EXPECT_EQ(r->items()[0].first, BusError::failed);
}

TYPED_TEST(BusContract, HandlersRunOnABusThreadNeverInline) {
  Bus& bus = this->bus();
  auto caller = std::this_thread::get_id();
  auto elsewhere = std::make_shared<Collector<bool>>();
  auto sub = bus.subscribe("a", [elsewhere, caller](Message&&) { elsewhere->push(std::this_thread::get_id() != caller); });
  auto acks = std::make_shared<Acks>();
  bus.flush(5s, into(acks));
  ASSERT_TRUE(acks->wait_for(1));
  ASSERT_EQ(bus.publish("a", "x"), BusError::ok);
  ASSERT_TRUE(elsewhere->wait_for(1));
  EXPECT_TRUE(elsewhere->items()[0]);
}

TYPED_TEST(BusContract, UnsubscribeStopsDelivery) {
  Bus& bus = this->bus();
  auto gone = std::make_shared<Messages>(), kept = std::make_shared<Messages>();
  auto s1 = bus.subscribe("room.1", into(gone));
  auto s2 = bus.subscribe("room.1", into(kept));
  ASSERT_EQ(bus.publish("room.1", "before"), BusError::ok);
  ASSERT_TRUE(gone->wait_for(1) && kept->wait_for(1));
  s1.reset();
  // One ordered connection: the UNSUB is handled before these, and `kept`
  // receiving all of them means they all have been.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(bus.publish("room.1", std::to_string(i)), BusError::ok);
  ASSERT_TRUE(kept->wait_for(21));
  EXPECT_EQ(gone->size(), 1u);
}

TYPED_TEST(BusContract, AHandlerMayUnsubscribeItselfAndPublishAndIsFreedAfter) {
  Bus& bus = this->bus();
  struct Holder {
    std::unique_ptr<Subscription> sub;
  };
  auto holder = std::make_shared<Holder>();
  auto after = std::make_shared<Messages>();
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> watch = token;
  auto s2 = bus.subscribe("after", into(after));
  holder->sub = bus.subscribe("once", [holder, token, &bus](Message&&) {
    holder->sub.reset();  // on its own delivery thread
    bus.publish("after", "ok");
  });
  token.reset();
  ASSERT_EQ(bus.publish("once", "1"), BusError::ok);
  ASSERT_TRUE(after->wait_for(1));
  holder.reset();
  EXPECT_TRUE(test::eventually([&] { return watch.expired(); })) << "the handler and what it holds are freed";
}

TYPED_TEST(BusContract, RequestReplyTimeoutAndNoResponders) {
  Bus& bus = this->bus();
  auto responder = bus.subscribe("svc.echo", [&bus](Message&& m) { bus.publish(m.reply, "echo:" + m.data); });
  auto silent = bus.subscribe("svc.silent", [](Message&&) {});
  auto refuser = bus.subscribe("svc.refuse", [&bus](Message&& m) {
    bus.publish(m.reply, "", {{"Nats-Service-Error-Code", "404"}});
  });
  auto acks = std::make_shared<Acks>();
  bus.flush(5s, into(acks));
  ASSERT_TRUE(acks->wait_for(1));
  auto r = std::make_shared<Replies>();
  for (int i = 0; i < 20; ++i) bus.request("svc.echo", std::to_string(i), 10s, into(r));
  ASSERT_TRUE(r->wait_for(20));
  std::vector<std::string> bodies;
  for (auto& [e, body] : r->items()) {
    EXPECT_EQ(e, BusError::ok);
    bodies.push_back(body);
  }
  std::sort(bodies.begin(), bodies.end());
  EXPECT_EQ(std::unique(bodies.begin(), bodies.end()), bodies.end()) << "each request its own answer";

  auto t = std::make_shared<Replies>();
  bus.request("svc.silent", "x", 100ms, into(t));
  ASSERT_TRUE(t->wait_for(1));
  EXPECT_EQ(t->items()[0].first, BusError::timeout);
  auto n = std::make_shared<Replies>();
  bus.request("svc.nobody", "x", 10s, into(n));
  ASSERT_TRUE(n->wait_for(1));
  EXPECT_EQ(n->items()[0].first, BusError::no_responders);
  auto x = std::make_shared<Replies>();
  bus.request("svc.refuse", "x", 10s, into(x));
  ASSERT_TRUE(x->wait_for(1));
  EXPECT_EQ(x->items()[0], std::make_pair(BusError::rejected, std::string("404")));
  EXPECT_EQ(t->size() + n->size() + x->size(), 3u) << "each completes exactly once";
}

TYPED_TEST(BusContract, ADurablePublishIsAckedAndDeliveredWithItsId) {
  Bus& bus = this->bus();
  this->impl_.durable("gw.in.app.message.>");
  auto got = std::make_shared<Messages>();
  auto sub = bus.subscribe("gw.in.app.message.>", into(got));
  auto acks = std::make_shared<Acks>();
  bus.flush(5s, into(acks));
  ASSERT_TRUE(acks->wait_for(1));
  // Each its own: a refusal may complete before an earlier publish's ack.
  auto stored = std::make_shared<Acks>();
  auto refused = std::make_shared<Acks>();
  bus.publish_durable("gw.in.app.message.dm.2", "m", "id-1", 10s, into(stored));
  bus.publish_durable("gw.in.*", "m", "id-2", 10s, into(refused));
  ASSERT_TRUE(stored->wait_for(1));
  ASSERT_TRUE(refused->wait_for(1));
  EXPECT_EQ(stored->items()[0], BusError::ok);
  EXPECT_EQ(refused->items()[0], BusError::failed) << "not a subject";
  ASSERT_TRUE(got->wait_for(1));
  Message first = got->items()[0];  // items() is a copy: keep it alive for the loop
  EXPECT_EQ(first.data, "m");
  bool has_id = false;
  for (const auto& [k, v] : first.headers) has_id |= k == "Nats-Msg-Id" && v == "id-1";
  EXPECT_TRUE(has_id);
}

}  // namespace
}  // namespace gangway::bus
