// Seed 001's user_joined / user_left: announced to a channel's members on a
// client's explicit join_channel / leave_channel (not on the joins at
// connect), once per user, and not for members, whose joins and leaves the
// REST service announces (so a REST join followed by the socket's
// join_channel is announced once). Membership lists read by pointer.
#include <gtest/gtest.h>

#include "gateway/session/upgrade_gate.hpp"
#include "tests/session/session_harness.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json pythia_app(const json& options = json::object()) {
  return {{"name", "pythia"},
          {"dialect", "pythia"},
          {"routes", {"/ws"}},
          {"jwt", {{"keys", {{{"alg", "HS256"}, {"secret", SessionHarness::kSecret}}}}}},
          {"callouts",
           {{"user_channels", {{"path", "/users/{user_id}/channels"}}},
            {"channel_access", {{"path", "/channels/{channel_id}/access/{user_id}"}}}}},
          {"options", options}};
}

// carol (u-3) is a member of general only; random is public: she may enter it but is no member.
void seed(SessionHarness& h) {
  h.backend.answer("/users/u-1/channels", 200, R"({"channel_ids":["general","random"]})");
  h.backend.answer("/users/u-3/channels", 200, R"({"channel_ids":["general"]})");
  h.backend.answer("/channels/random/access/u-3", 200, R"({"access":true,"member":false})");
  h.backend.answer("/channels/general/access/u-3", 200, R"({"access":true,"member":true})");
}

std::vector<json> of_type(const RecordingPeer& peer, const std::string& type) {
  std::vector<json> out;
  for (const auto& f : peer.frames) {
    json j = json::parse(f);
    if (j.value("type", "") == type) out.push_back(j);
  }
  return out;
}

class Announcements : public ::testing::Test {
 protected:
  Announcements() { seed(h); }
  // Sends a frame and waits for its reply (channel_joined / channel_left) and what it sets off.
  void say(RecordingPeer& peer, const std::string& type, const std::string& channel) {
    ASSERT_TRUE(h.say(peer, json{{"type", type}, {"channel_id", channel}}.dump()));
    h.loop.run_for(50ms);
  }
  SessionHarness h{pythia_app()};
};

TEST_F(Announcements, AnExplicitJoinIsAnnouncedToTheOthersButNotTheJoinsAtConnect) {
  auto alice = h.connect("u-1", "/ws");
  auto joins = h.watch("gw.in.pythia.join.channel.random");
  auto carol = h.connect("u-3", "/ws");  // auto-joins general: no announcement
  h.loop.run_for(50ms);
  EXPECT_TRUE(of_type(*alice, "user_joined").empty()) << "the joins at connect are not news";
  say(*carol, "join_channel", "random");
  auto seen = of_type(*alice, "user_joined");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["user_id"], "u-3");
  EXPECT_EQ(seen[0]["channel_id"], "random");
  EXPECT_TRUE(seen[0]["timestamp"].is_string());
  EXPECT_TRUE(of_type(*carol, "user_joined").empty()) << "not told about herself";
  ASSERT_TRUE(h.wait_for(joins, 1)) << "other systems see it on gw.in";
}

TEST_F(Announcements, AMembersJoinIsTheRestServicesToAnnounce) {
  auto alice = h.connect("u-1", "/ws");
  auto carol = h.connect("u-3", "/ws");
  say(*carol, "leave_channel", "general");
  say(*carol, "join_channel", "general");
  EXPECT_TRUE(of_type(*alice, "user_joined").empty());
  EXPECT_TRUE(of_type(*alice, "user_left").empty());
  // The REST path: the service's own user_joined still reaches the channel, once.
  h.bus.publish("gw.out.pythia.channel.general",
                R"({"event":"user_joined","data":{"user_id":"u-3","channel_id":"general"}})", {});
  ASSERT_TRUE(h.loop.run_until([&] { return !of_type(*alice, "user_joined").empty(); }));
  h.loop.run_for(50ms);
  EXPECT_EQ(of_type(*alice, "user_joined").size(), 1u);
}

TEST_F(Announcements, OncePerUserAndTheLastSocketOutAnnouncesTheLeave) {
  auto alice = h.connect("u-1", "/ws");
  auto carol = h.connect("u-3", "/ws");
  auto carol_phone = h.connect("u-3", "/ws");
  say(*carol, "join_channel", "random");
  say(*carol_phone, "join_channel", "random");
  EXPECT_EQ(of_type(*alice, "user_joined").size(), 1u) << "her second socket is no news";
  say(*carol_phone, "leave_channel", "random");
  EXPECT_TRUE(of_type(*alice, "user_left").empty()) << "she is still there";
  say(*carol, "leave_channel", "random");
  auto left = of_type(*alice, "user_left");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0]["user_id"], "u-3");
  EXPECT_EQ(left[0]["channel_id"], "random");
  EXPECT_EQ(of_type(*carol, "channel_left").size(), 1u);
}

TEST_F(Announcements, ALeaveWhoseCheckFailsStillLeavesButAnnouncesNothing) {
  auto alice = h.connect("u-1", "/ws");
  auto carol = h.connect("u-3", "/ws");
  say(*carol, "join_channel", "random");
  h.backend.answer("/channels/random/access/u-3", 503, "{}");
  say(*carol, "leave_channel", "random");
  EXPECT_EQ(of_type(*carol, "channel_left").size(), 1u);
  EXPECT_TRUE(of_type(*alice, "user_left").empty());
  EXPECT_TRUE(carol->session.is_open());
}

TEST(AnnouncementOptions, AlwaysAndNever) {
  SessionHarness always(pythia_app({{"join_announcements", "always"}}));
  seed(always);
  auto alice = always.connect("u-1", "/ws");
  auto carol = always.connect("u-3", "/ws");
  ASSERT_TRUE(always.say(*carol, R"({"type":"leave_channel","channel_id":"general"})"));
  ASSERT_TRUE(always.say(*carol, R"({"type":"join_channel","channel_id":"general"})"));
  always.loop.run_until([&] { return of_type(*alice, "user_joined").size() == 1 && of_type(*alice, "user_left").size() == 1; });
  EXPECT_EQ(of_type(*alice, "user_left").size(), 1u) << "a member's leave too";
  EXPECT_EQ(of_type(*alice, "user_joined").size(), 1u);

  SessionHarness never(pythia_app({{"join_announcements", "never"}}));
  seed(never);
  auto bob = never.connect("u-1", "/ws");
  auto dave = never.connect("u-3", "/ws");
  ASSERT_TRUE(never.say(*dave, R"({"type":"join_channel","channel_id":"random"})"));
  never.loop.run_for(50ms);
  EXPECT_TRUE(of_type(*bob, "user_joined").empty());
}

TEST(MembershipLists, TheListAndItsIdsAreWhereTheCalloutSays) {
  json app = pythia_app();
  app["callouts"]["user_channels"]["list_pointer"] = "/data/channels";
  app["callouts"]["user_channels"]["id_pointer"] = "/channel/id";
  SessionHarness h(app);
  h.backend.answer("/users/u-1/channels", 200,
                   R"({"data":{"channels":[{"channel":{"id":"general"}},{"channel":{"id":"random"}},{"other":1}]}})");
  auto peer = h.connect("u-1", "/ws");
  EXPECT_TRUE(peer->session.info().context["user_channels"] == json::parse(R"(["general","random"])"));
  h.bus.publish("gw.out.pythia.channel.random", R"({"event":"user_joined","data":{"user_id":"u-9","channel_id":"random"}})", {});
  EXPECT_TRUE(h.loop.run_until([&] { return !of_type(*peer, "user_joined").empty(); })) << "auto-joined random";
}

TEST(MembershipLists, SocialGroupsFromAListOfObjects) {
  json app = {{"name", "social"},
              {"dialect", "social"},
              {"routes", {"/ws"}},
              {"allowed_origins", {"https://social.example"}},
              {"session", {{"cookie", "session_id"}, {"callout", "session"}}},
              {"callouts",
               {{"session", {{"path", "/session"}, {"forward", {"cookie"}}}},
                {"user_groups", {{"path", "/users/{user_id}/groups"}, {"list_pointer", "/groups"}, {"id_pointer", "/id"}}},
                {"group_member", {{"path", "/groups/{group_id}/members/{user_id}"}}}}}};
  SessionHarness h(app);
  h.backend.answer("/session", 200, R"({"user_id":2,"username":"alice"})");
  h.backend.answer("/users/2/groups", 200, R"({"groups":[{"id":1,"name":"Developers"},{"id":2,"name":"Designers"}]})");
  auto peer = h.upgrade("/ws", "", "session_id=s3cret");
  ASSERT_TRUE(peer->greeted());
  h.bus.publish("gw.out.social.group.2", R"({"event":"group","data":{"group_id":"2","content":"hi","timestamp":1}})", {});
  ASSERT_TRUE(h.loop.run_until([&] { return !peer->frames.empty(); })) << "joined group 2 from {\"groups\":[{\"id\":2}]}";
  EXPECT_EQ(json::parse(peer->frames[0])["group_id"], "2");
}

}  // namespace
}  // namespace gangway::test
