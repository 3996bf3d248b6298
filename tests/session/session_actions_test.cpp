// What a client frame does once the session is open: subscribe (authorized by
// a callout), publish on gw.in and fan out on gw.out, rate limits, queries,
// and the dialect's error for each failure — callout down, bus down, not
// joined, too fast — with the socket staying open.
#include <gtest/gtest.h>

#include "tests/session/session_harness.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;

json tribe_with_typing_limit() {
  json app = tribe_app();
  app["limits"] = {{"rates", {{"typing", {{2, 60}}}}}};
  return app;
}

std::string subscribe(const std::string& conversation) {
  return json{{"event", "subscribe"}, {"conversation_id", conversation}}.dump();
}

std::string typing(const std::string& conversation) {
  return json{{"event", "typing"}, {"conversation_id", conversation}, {"is_typing", true}}.dump();
}

json last(const RecordingPeer& peer) { return json::parse(peer.frames.back()); }

class SessionActions : public ::testing::Test {
 protected:
  SessionHarness h{tribe_with_typing_limit()};
};

TEST_F(SessionActions, ASubscribeIsAuthorizedThenJoinedThenConfirmed) {
  auto alice = h.connect("u-alice", "/api/v1/ws");
  ASSERT_TRUE(h.say(*alice, subscribe("c-1")));
  EXPECT_EQ(alice->frames.back(), R"({"event":"subscribed","conversation_id":"c-1"})");
  auto seen = h.backend.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, "/participants/c-1/u-alice");
  // Joined: what is published on the room's subject from now on arrives.
  ASSERT_EQ(h.bus.publish("gw.out.tribe.conversation.c-1", R"({"frame":{"event":"hello"}})", {}), bus::BusError::ok);
  ASSERT_TRUE(h.loop.run_until([&] { return alice->frames.size() == 3; }));
  EXPECT_EQ(alice->frames.back(), R"({"event":"hello"})");
}

TEST_F(SessionActions, ACalloutThatSaysNoIsForbiddenOrNotFoundAndOneThatFailsIsUnavailable) {
  auto alice = h.connect("u-alice", "/api/v1/ws");
  const std::pair<int, std::string> cases[] = {{403, "forbidden"}, {404, "forbidden"}, {500, "unavailable"}};
  for (const auto& [status, code] : cases) {
    const std::string room = "c-" + std::to_string(status);
    h.backend.answer("/participants/" + room + "/u-alice", status, "{}");
    ASSERT_TRUE(h.say(*alice, subscribe(room)));
    EXPECT_EQ(last(*alice)["code"], code) << status;  // tribe shows not_found as forbidden
  }
  // Not joined: an event for the room does not reach the socket.
  h.bus.publish("gw.out.tribe.conversation.c-403", R"({"frame":{"event":"secret"}})", {});
  h.loop.run_for(100ms);
  EXPECT_NE(alice->frames.back(), R"({"event":"secret"})");
}

TEST_F(SessionActions, TypingGoesOnGwInAndToTheRoomButNotBackToTheTypist) {
  auto alice = h.connect("u-alice", "/api/v1/ws");
  auto bob = h.connect("u-bob", "/api/v1/ws");
  ASSERT_TRUE(h.say(*alice, subscribe("c-1")));
  ASSERT_TRUE(h.say(*bob, subscribe("c-1")));
  auto in = h.watch("gw.in.tribe.typing.conversation.c-1");
  const std::size_t alice_had = alice->frames.size();
  alice->session.on_text(typing("c-1"));
  ASSERT_TRUE(h.loop.run_until([&] { return bob->frames.size() == 3 && in->size() == 1; }));
  EXPECT_EQ(last(*bob)["event"], "typing");
  EXPECT_EQ(last(*bob)["data"]["user_id"], "u-alice");
  auto envelope = json::parse((*in)[0].data);
  EXPECT_EQ(envelope["user"]["id"], "u-alice");
  EXPECT_EQ(envelope["kind"], "typing");
  h.loop.run_for(100ms);
  EXPECT_EQ(alice->frames.size(), alice_had) << "the typist is excluded";
}

TEST_F(SessionActions, PublishingToARoomNotJoinedIsAnError) {
  auto alice = h.connect("u-alice", "/api/v1/ws");
  ASSERT_TRUE(h.say(*alice, typing("c-1")));
  EXPECT_EQ(last(*alice)["code"], "not_joined");
}

TEST_F(SessionActions, PastTheRateTheClientIsToldToSlowDown) {
  auto alice = h.connect("u-alice", "/api/v1/ws");
  ASSERT_TRUE(h.say(*alice, subscribe("c-1")));
  auto in = h.watch("gw.in.tribe.typing.>");
  for (int i = 0; i < 2; ++i) alice->session.on_text(typing("c-1"));
  ASSERT_TRUE(h.wait_for(in, 2));
  ASSERT_TRUE(h.say(*alice, typing("c-1")));
  EXPECT_EQ(last(*alice)["code"], "rate_limited");
  h.loop.run_for(100ms);
  EXPECT_EQ(in->size(), 2u) << "the limited frame went nowhere";
}

TEST_F(SessionActions, WithTheBusDownAPublishIsUnavailableNotSilentlyLost) {
  auto alice = h.connect("u-alice", "/api/v1/ws");
  ASSERT_TRUE(h.say(*alice, subscribe("c-1")));
  h.bus.down = true;
  ASSERT_TRUE(h.say(*alice, typing("c-1")));
  EXPECT_EQ(last(*alice)["code"], "unavailable");
  h.bus.down = false;
  ASSERT_TRUE(h.say(*alice, R"({"event":"ping"})"));
  EXPECT_EQ(alice->frames.back(), R"({"event":"pong"})") << "the socket stays usable";
}

TEST_F(SessionActions, BadFramesGetTheDialectsErrorAndTheSocketStaysOpen) {
  auto alice = h.connect("u-alice", "/api/v1/ws");
  for (const auto& [frame, code] : std::vector<std::pair<std::string, std::string>>{
           {"{not json", "invalid_json"}, {R"({"event":"launch"})", "unknown_type"},
           {R"({"event":"subscribe","conversation_id":"a.b"})", "invalid_id"}}) {
    ASSERT_TRUE(h.say(*alice, frame));
    EXPECT_EQ(last(*alice)["code"], code) << frame;
  }
  alice->session.on_binary();
  EXPECT_EQ(last(*alice)["code"], "binary_frame");
  EXPECT_FALSE(alice->closing());
}

TEST_F(SessionActions, ClosingLeavesEveryRoomAndAnnouncesTheDisconnect) {
  auto alice = h.connect("u-alice", "/api/v1/ws");
  ASSERT_TRUE(h.say(*alice, subscribe("c-1")));
  auto out = h.watch("gw.in.tribe.disconnect");
  EXPECT_EQ(h.fanout->subscribed_subjects(), 4u);  // all, c-1, and the shared conn and user prefixes
  alice->drop("client_closed");
  ASSERT_TRUE(h.wait_for(out, 1));
  auto body = json::parse((*out)[0].data);
  EXPECT_EQ(body["reason"], "client_closed");
  EXPECT_EQ(body["user"]["id"], "u-alice");
  EXPECT_FALSE(h.presence->present("tribe", {"user", "u-alice"}, "u-alice"));
  EXPECT_EQ(h.app->metrics->connections.load(), 0);
  EXPECT_EQ(h.fanout->subscribed_subjects(), 2u) << "the room's subscription went with its last member";
  alice->drop("again");  // once only
  h.loop.run_for(100ms);
  EXPECT_EQ(out->size(), 1u);
}

TEST_F(SessionActions, AnAnswerForASocketAlreadyGoneIsDropped) {
  auto alice = h.connect("u-alice", "/api/v1/ws");
  h.backend.answer("/participants/c-slow/u-alice", 200, "{}");
  alice->session.on_text(subscribe("c-slow"));
  ASSERT_TRUE(h.backend.wait_for_requests(1));  // sent: the answer comes, to nobody
  alice->drop();
  const auto had = alice->frames.size();
  h.loop.run_for(200ms);
  EXPECT_EQ(alice->frames.size(), had);
  EXPECT_EQ(h.fanout->subscribed_subjects(), 2u) << "no room joined for a closed socket";
}

// One worker, held by a slow backend: a closed socket's callout still waiting
// for it is withdrawn, never sent (the backend is not asked for the gone).
TEST(SessionCallouts, ACalloutOfASocketThatClosedIsNeverSent) {
  json app = tribe_app();
  app["backend"] = {{"threads", 1}};
  app["callouts"]["conversation_participant"]["path"] = "/slow/{conversation_id}/{user_id}";
  SessionHarness h(app);
  auto alice = h.connect("u-alice", "/api/v1/ws");
  auto bob = h.connect("u-bob", "/api/v1/ws");
  alice->session.on_text(subscribe("c-1"));
  ASSERT_TRUE(h.backend.wait_for_requests(1));  // alice's holds the one worker
  bob->session.on_text(subscribe("c-2"));
  bob->drop();
  h.backend.release();
  ASSERT_TRUE(h.loop.run_until([&] { return alice->frames.size() == 2; }));
  h.loop.run_for(200ms);
  ASSERT_EQ(h.backend.request_count(), 1u);
  EXPECT_EQ(h.backend.requests()[0].path, "/slow/c-1/u-alice");
  EXPECT_NE(h.metrics.render().find("gangway_callout_cancelled_total{app=\"tribe\"} 1"), std::string::npos)
      << h.metrics.render();
}

// pythia's get_online_users: the core answers from presence, cluster-wide.
TEST(SessionQueries, OnlineUsersComeFromPresence) {
  SessionHarness h({{"name", "pythia"},
                    {"dialect", "pythia"},
                    {"routes", {"/ws"}},
                    {"jwt", {{"keys", {{{"alg", "HS256"}, {"secret", SessionHarness::kSecret}}}}}},
                    {"callouts",
                     {{"user_channels", {{"path", "/users/{user_id}/channels"}}},
                      {"channel_access", {{"path", "/channels/{channel_id}/access/{user_id}"}}}}}});
  h.backend.answer("/users/u-1/channels", 200, R"(["general"])");
  h.backend.answer("/users/u-2/channels", 200, R"(["general"])");
  auto one = h.connect("u-1", "/ws");
  auto two = h.connect("u-2", "/ws");
  h.loop.run_for(200ms);  // u-2's user_status reaches u-1 first
  ASSERT_TRUE(h.say(*one, R"({"type":"get_online_users","channel_id":"general"})"));
  auto answer = last(*one);
  EXPECT_EQ(answer["type"], "online_users");
  EXPECT_EQ(answer["users"], json::array({"u-1", "u-2"})) << answer;
}

}  // namespace
}  // namespace gangway::test
