// A document nested tens of thousands of levels deep, from a REST service on
// gw.out or from a client, once overflowed a loop's stack and killed the
// process with every socket on it. Now it is refused while parsing: the event
// is dropped and counted, the client gets its dialect's error, and the
// gateway goes on serving.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/bus/nats_bus.hpp"
#include "tests/bus/bus_test_util.hpp"
#include "tests/integration/stack.hpp"
#include "tests/support/deep_json.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;

class DeepJsonTest : public SuiteStack<DeepJsonTest> {
 public:
  static json config(const std::string& nats_url, int backend_port) {
    auto c = tribe_config(nats_url, backend_port);
    c["apps"][0]["limits"]["max_frame_bytes"] = 4 << 20;  // room for a million levels in one frame
    return c;
  }
};

std::uint64_t bad_messages(int admin_port) {
  auto [status, body] = http_get(admin_port, "/metrics");
  const std::string name = "gangway_bus_bad_messages_total{app=\"tribe\"} ";
  auto at = body.find(name);
  return at == std::string::npos ? 0 : std::stoull(body.substr(at + name.size()));
}

TEST_F(DeepJsonTest, ADeepEventIsDroppedAndCountedAndDeliveryGoesOn) {
  auto alice = tribe_connect(port(), token("alice"));
  alice->send(json{{"event", "subscribe"}, {"channel", "conversation"}, {"conversation_id", "c-general"}}.dump());
  ASSERT_EQ(alice->next(), R"({"event":"subscribed","conversation_id":"c-general"})");
  std::string error;
  auto bus = bus::NatsBus::create({nats_url()}, &error);
  ASSERT_TRUE(bus) << error;
  const auto before = bad_messages(gateway_->admin_port());
  // A million levels (2–5 MB) do not fit in nats-server's default 1 MiB
  // payload; parse_event's own test covers them.
  const std::string room = "gw.out.tribe.conversation.c-general";
  for (std::size_t levels : {std::size_t{20'000}, std::size_t{100'000}}) {
    ASSERT_EQ(bus->publish(room, R"({"event":"message.new","data":{"meta":)" + nested_arrays(levels) + "}}"),
              bus::BusError::ok);
    ASSERT_EQ(bus->publish(room, R"({"frame":)" + nested_objects(levels) + "}"), bus::BusError::ok);
  }
  ASSERT_EQ(backend_->post_message(token("bob"), "c-general", "after the deep ones"), 201);
  auto f = alice->next();
  ASSERT_TRUE(f) << "the gateway died or stopped delivering";
  EXPECT_EQ(json::parse(*f)["data"]["content"], "after the deep ones");
  // Each loop counts what it drops on its own: the count may trail the delivery.
  EXPECT_TRUE(bus::test::eventually([&] { return bad_messages(gateway_->admin_port()) == before + 4; }))
      << bad_messages(gateway_->admin_port()) - before << " of 4 counted";
  EXPECT_TRUE(gateway_->process().running());
}

TEST_F(DeepJsonTest, ADeepClientFrameGetsInvalidJsonAndTheSocketStaysUsable) {
  auto alice = tribe_connect(port(), token("alice"));
  for (std::size_t levels : kDeepLevels) {
    alice->send(nested_arrays(levels));
    auto f = alice->next();
    ASSERT_TRUE(f) << levels;
    auto j = json::parse(*f);
    EXPECT_EQ(j["event"], "error");
    EXPECT_EQ(j["code"], "invalid_json");
  }
  alice->send(R"({"event":"ping"})");
  EXPECT_EQ(alice->next(), R"({"event":"pong"})");
}

}  // namespace
}  // namespace gangway::test
