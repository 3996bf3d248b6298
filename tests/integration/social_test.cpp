// The social dialect (seed 003) end to end: a real nats-server, the demo
// backend, the gangway binary and real WebSocket clients with session cookies.
// Users: 1 admin, 2 alice, 3 bob, 4 carol. Groups: 1 (alice, bob), 2 (alice,
// carol; bob pending).
#include <gtest/gtest.h>

#include <condition_variable>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

#include "gateway/bus/nats_bus.hpp"
#include "tests/integration/social_stack.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class SocialTest : public SuiteStack<SocialTest> {
 public:
  static nlohmann::json config(const std::string& nats_url, int backend_port) {
    return social_config(nats_url, backend_port);
  }

 protected:
  static SocialBackend api() { return SocialBackend(backend_->port()); }
  static std::string cookie(const std::string& user) { return api().login(user); }
  static std::unique_ptr<WsClient> connect(const std::string& user, int id) {
    return social_connect(port(), cookie(user), id);
  }
};

// ---- connection -------------------------------------------------------------

TEST_F(SocialTest, AValidSessionCookieOpensTheSocketAndNothingIsSentFirst) {
  WsClient c(port(), "/ws", {{"Cookie", "theme=dark; " + cookie("alice")}, {"Origin", kSocialOrigin}});
  ASSERT_EQ(c.handshake().http_status, 101);
  EXPECT_TRUE(c.silent_for(300ms));  // the seed has no welcome frame
}

TEST_F(SocialTest, AnInvalidOrMissingSessionRefusesTheConnection) {
  std::string ended = cookie("carol");
  ASSERT_EQ(api().post(ended, "/api/logout", "").first, 204);
  for (const std::string& header :
       {std::string(), std::string("session_id="), std::string("session_id=forged"),
        std::string("other=") + cookie("alice").substr(11), ended}) {
    WsClient::Headers headers{{"Origin", kSocialOrigin}};
    if (!header.empty()) headers.emplace_back("Cookie", header);
    WsClient c(port(), "/ws", headers);
    EXPECT_EQ(c.handshake().http_status, 401) << header;
  }
}

// The demo backend's logout publishes gw.ctl.social.disconnect.user.<id>: the
// user's open sockets close (a socket does not know its session), others stay.
TEST_F(SocialTest, LogoutClosesTheUsersOpenSockets) {
  std::string carol = cookie("carol");
  auto c = social_connect(port(), carol, 4);
  auto bob = connect("bob", 3);
  ASSERT_EQ(api().post(carol, "/api/logout", "").first, 204);
  EXPECT_EQ(c->wait_closed(10s), 1008);
  EXPECT_EQ(c->close_reason(), "logout");
  bob->send(json{{"type", "private"}, {"to", 3}, {"content", "still here"}}.dump());
  EXPECT_EQ(social_next(*bob)["content"], "still here");
}

TEST_F(SocialTest, OriginIsCheckedAgainstTheAllowList) {
  std::string alice = cookie("alice");
  WsClient evil(port(), "/ws", {{"Cookie", alice}, {"Origin", "http://evil.example"}});
  EXPECT_EQ(evil.handshake().http_status, 403);
  WsClient good(port(), "/ws", {{"Cookie", alice}, {"Origin", kSocialOrigin}});
  EXPECT_EQ(good.handshake().http_status, 101);
  WsClient native(port(), "/ws", {{"Cookie", alice}});  // no Origin: not a browser
  EXPECT_EQ(native.handshake().http_status, 101);
}

TEST_F(SocialTest, UnknownPathIs404) {
  WsClient c(port(), "/ws/other", {{"Cookie", cookie("alice")}});
  EXPECT_EQ(c.handshake().http_status, 404);
}

// ---- private ----------------------------------------------------------------

TEST_F(SocialTest, PrivateReachesTheRecipientOnlyAndIsStored) {
  auto alice = connect("alice", 2);
  auto bob = connect("bob", 3);
  auto carol = connect("carol", 4);
  alice->send(R"({"type":"private","to":3,"content":"Hello there!","timestamp":1640995200})");
  EXPECT_EQ(social_next(*bob),
            json::parse(R"({"type":"private","to":3,"content":"Hello there!","timestamp":1640995200})"));
  EXPECT_TRUE(social_quiet(*alice));  // "Sender receives no confirmation"
  EXPECT_TRUE(social_quiet(*carol));

  auto [status, history] = api().get(cookie("bob"), "/api/messages/private?user=2");
  ASSERT_EQ(status, 200);
  ASSERT_TRUE(history.is_array());
  ASSERT_FALSE(history.empty()) << "the message was not persisted";
  EXPECT_EQ(history[0],
            json::parse(R"({"type":"private","to":3,"content":"Hello there!","timestamp":1640995200})"));
}

TEST_F(SocialTest, PrivateFrameIsByteForByteTheSeeds) {
  auto alice = connect("alice", 2);
  auto bob = connect("bob", 3);
  alice->send(R"({"type":"private","to":3,"content":"bytes","timestamp":1640995200})");
  EXPECT_EQ(bob->next_where("content", "bytes"),
            R"({"type":"private","to":3,"content":"bytes","timestamp":1640995200})");
}

TEST_F(SocialTest, TheServerSetsTheTimestampWhenTheClientGivesNone) {
  auto alice = connect("alice", 2);
  auto bob = connect("bob", 3);
  std::int64_t before = std::time(nullptr);
  alice->send(R"({"type":"private","to":3,"content":"no clock"})");
  json got = social_next(*bob);
  EXPECT_EQ(got["content"], "no clock");
  ASSERT_TRUE(got["timestamp"].is_number_integer()) << got.dump();
  EXPECT_GE(got["timestamp"].get<std::int64_t>(), before);
  EXPECT_LE(got["timestamp"].get<std::int64_t>(), std::time(nullptr));
}

TEST_F(SocialTest, PrivateReachesEverySocketOfTheRecipient) {
  auto alice = connect("alice", 2);
  auto bob1 = connect("bob", 3);
  auto bob2 = connect("bob", 3);
  alice->send(R"({"type":"private","to":3,"content":"both","timestamp":5})");
  EXPECT_EQ(social_next(*bob1)["content"], "both");
  EXPECT_EQ(social_next(*bob2)["content"], "both");
}

TEST_F(SocialTest, PrivateToAnOfflineUserIsSilentlyDroppedLiveButStored) {
  auto alice = connect("alice", 2);
  alice->send(R"({"type":"private","to":4,"content":"while you were out","timestamp":7})");
  EXPECT_TRUE(social_quiet(*alice, 600ms));
  auto [status, history] = api().get(cookie("carol"), "/api/messages/private?user=2");
  ASSERT_EQ(status, 200);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history[0]["content"], "while you were out");
}

TEST_F(SocialTest, PrivateToAUserTheBackendCannotStoreForGetsAnError) {
  auto alice = connect("alice", 2);
  alice->send(R"({"type":"private","to":999,"content":"nobody"})");
  json got = social_next(*alice);
  EXPECT_EQ(got["type"], "error");
  EXPECT_EQ(got["code"], "store_failed");
}

// ---- group ------------------------------------------------------------------

TEST_F(SocialTest, GroupReachesAcceptedMembersExceptTheSenderAndIsStored) {
  auto alice = connect("alice", 2);
  auto bob = connect("bob", 3);      // member of 1
  auto carol = connect("carol", 4);  // not a member of 1
  alice->send(R"({"type":"group","group_id":"1","content":"Hello everyone!","timestamp":1640995200})");
  EXPECT_EQ(bob->next_where("content", "Hello everyone!"),
            R"({"type":"group","group_id":"1","content":"Hello everyone!","timestamp":1640995200})");
  EXPECT_TRUE(social_quiet(*alice));
  EXPECT_TRUE(social_quiet(*carol));

  auto [status, history] = api().get(cookie("bob"), "/api/messages/group?group=1");
  ASSERT_EQ(status, 200);
  ASSERT_FALSE(history.empty()) << "the message was not persisted";
  EXPECT_EQ(
      history[0],
      json::parse(R"({"type":"group","group_id":"1","content":"Hello everyone!","timestamp":1640995200})"));
  EXPECT_EQ(api().get(cookie("carol"), "/api/messages/group?group=1").first, 403);
}

TEST_F(SocialTest, PrivateGroupAndBroadcastCrossGateways) {
  // bob and carol on a second gateway of the same cluster (one nats-server).
  GatewayProcess other(social_config(nats_->url(), backend_->port(), "gw-social-2"));
  auto admin = connect("admin", 1);
  auto alice = connect("alice", 2);
  auto bob = social_connect(other.port(), cookie("bob"), 3);
  auto carol = social_connect(other.port(), cookie("carol"), 4);
  alice->send(R"({"type":"private","to":3,"content":"across","timestamp":1640995200})");
  EXPECT_EQ(bob->next_where("content", "across"), R"({"type":"private","to":3,"content":"across","timestamp":1640995200})");
  alice->send(R"({"type":"group","group_id":"1","content":"group across","timestamp":1640995200})");
  EXPECT_TRUE(bob->next_where("content", "group across"));
  EXPECT_TRUE(social_quiet(*carol));  // not a member of group 1
  admin->send(R"({"type":"broadcast","content":"everyone, everywhere","timestamp":1640995200})");
  for (WsClient* c : {bob.get(), carol.get()}) EXPECT_TRUE(c->next_where("content", "everyone, everywhere"));
}

TEST_F(SocialTest, PendingMembersNeitherReceiveNorSend) {
  auto alice = connect("alice", 2);
  auto bob = connect("bob", 3);  // pending in 2
  auto carol = connect("carol", 4);
  alice->send(R"({"type":"group","group_id":"2","content":"designers only","timestamp":1})");
  EXPECT_EQ(social_next(*carol)["content"], "designers only");
  EXPECT_TRUE(social_quiet(*bob));

  bob->send(R"({"type":"group","group_id":"2","content":"let me in"})");
  EXPECT_EQ(social_next(*bob),
            json::parse(R"({"type":"error","code":"forbidden","message":"not a member of this group"})"));
  EXPECT_TRUE(social_quiet(*carol));
  EXPECT_TRUE(social_quiet(*alice));
}

TEST_F(SocialTest, OnlyMembersMaySendToAGroup) {
  auto bob = connect("bob", 3);
  auto carol = connect("carol", 4);
  carol->send(R"({"type":"group","group_id":"1","content":"intruder"})");
  EXPECT_EQ(carol->next(), R"({"type":"error","code":"forbidden","message":"not a member of this group"})");
  EXPECT_TRUE(social_quiet(*bob));
  carol->send(R"({"type":"group","group_id":"404","content":"no such group"})");
  EXPECT_EQ(social_next(*carol)["code"], "forbidden");
}

TEST_F(SocialTest, AnIntegerGroupIdWorksToo) {
  auto alice = connect("alice", 2);
  auto bob = connect("bob", 3);
  alice->send(R"({"type":"group","group_id":1,"content":"numeric","timestamp":3})");
  EXPECT_EQ(bob->next_where("content", "numeric"),
            R"({"type":"group","group_id":"1","content":"numeric","timestamp":3})");
}

// ---- broadcast --------------------------------------------------------------

TEST_F(SocialTest, AdminBroadcastReachesEveryConnectedUser) {
  auto admin = connect("admin", 1);
  auto alice = connect("alice", 2);
  auto bob = connect("bob", 3);
  auto carol = connect("carol", 4);
  admin->send(R"({"type":"broadcast","content":"System maintenance in 10 minutes","timestamp":1640995200})");
  const std::string seed =
      R"({"type":"broadcast","content":"System maintenance in 10 minutes","timestamp":1640995200})";
  for (WsClient* c : {admin.get(), alice.get(), bob.get(), carol.get()})
    EXPECT_EQ(c->next_where("type", "broadcast"), seed);
}

TEST_F(SocialTest, NonAdminBroadcastIsRefusedAndReachesNobody) {
  auto alice = connect("alice", 2);
  auto bob = connect("bob", 3);
  bob->send(R"({"type":"broadcast","content":"I am not an admin"})");
  EXPECT_EQ(
      social_next(*bob),
      json::parse(R"({"type":"error","code":"forbidden","message":"only administrators may broadcast"})"));
  EXPECT_TRUE(social_quiet(*alice));
}

// ---- notifications ----------------------------------------------------------

TEST_F(SocialTest, GroupInviteNotifiesTheInviteeLiveAndIsStored) {
  auto admin = connect("admin", 1);
  std::string alice = cookie("alice");
  std::int64_t before = std::time(nullptr);
  auto [status, body] =
      api().post(alice, "/api/groups/invite", R"({"group_id":1,"user_id":1,"group_name":"Developers"})");
  ASSERT_EQ(status, 201) << body.dump();
  auto frame = admin->next_where("type", "notification");
  ASSERT_TRUE(frame);
  const std::string head =
      R"({"type":"notification","subtype":"group_invite","message":"You were invited to join group 'Developers'","group_id":1,"timestamp":)";
  EXPECT_EQ(frame->rfind(head, 0), 0u) << *frame;
  json got = json::parse(*frame);
  ASSERT_TRUE(got["timestamp"].is_number_integer());
  EXPECT_GE(got["timestamp"].get<std::int64_t>(), before);

  std::string admin_cookie = cookie("admin");
  auto [s2, list] = api().get(admin_cookie, "/api/notifications");
  ASSERT_EQ(s2, 200);
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list[0]["type"], "group_invite");
  EXPECT_EQ(list[0]["message"], "You were invited to join group 'Developers'");
  EXPECT_EQ(list[0]["is_read"], false);
  EXPECT_EQ(api().post(admin_cookie, "/api/notifications/read", "").first, 204);
  EXPECT_EQ(api().get(admin_cookie, "/api/notifications").second[0]["is_read"], true);

  // A pending invitee is not a member yet.
  admin->send(R"({"type":"group","group_id":"1","content":"am I in?"})");
  EXPECT_EQ(social_next(*admin)["code"], "forbidden");
}

TEST_F(SocialTest, NotificationFrameIsByteForByteTheSeedsShape) {
  auto carol = connect("carol", 4);
  auto [status, body] = api().post(
      "", "/internal/social/notifications",
      R"({"user_id":4,"subtype":"group_invite","message":"You were invited to join group 'Developers'","group_id":789})");
  ASSERT_EQ(status, 201) << body.dump();
  auto frame = carol->next_where("type", "notification");
  ASSERT_TRUE(frame);
  const std::string head =
      R"({"type":"notification","subtype":"group_invite","message":"You were invited to join group 'Developers'","group_id":789,"timestamp":)";
  EXPECT_EQ(frame->rfind(head, 0), 0u) << *frame;
}

TEST_F(SocialTest, EverySeedNotificationSubtypeIsDelivered) {
  auto bob = connect("bob", 3);
  auto alice = connect("alice", 2);
  for (const char* subtype : {"group_invite", "friend_request", "friend_accept", "new_post", "post_like",
                              "post_comment", "new_event", "event_rsvp"}) {
    SCOPED_TRACE(subtype);
    json request = {{"user_id", 3}, {"subtype", subtype}, {"message", std::string("about ") + subtype}};
    ASSERT_EQ(api().post("", "/internal/social/notifications", request.dump()).first, 201);
    json got = social_next(*bob);
    EXPECT_EQ(got["type"], "notification");
    EXPECT_EQ(got["subtype"], subtype);
    EXPECT_EQ(got["message"], std::string("about ") + subtype);
  }
  EXPECT_TRUE(social_quiet(*alice));
}

// ---- silence and robustness ---------------------------------------------------

TEST_F(SocialTest, InvalidFramesAreIgnoredSilentlyAndTheSocketKeepsWorking) {
  auto alice = connect("alice", 2);
  auto bob = connect("bob", 3);
  for (const char* frame : {"not json", "[]", R"({"content":"no type"})", R"({"type":"typing"})",
                            R"({"type":"private","content":"no to"})", R"({"type":"private","to":3})",
                            R"({"type":"private","to":"3","content":"string to"})",
                            R"({"type":"group","group_id":"a.b","content":"bad id"})",
                            R"({"type":"broadcast"})", R"({"type":"notification","subtype":"new_post"})"}) {
    alice->send(frame);
  }
  alice->send_binary("\x01\x02");
  EXPECT_TRUE(social_quiet(*alice, 600ms));
  EXPECT_TRUE(social_quiet(*bob, 100ms));
  alice->send(R"({"type":"private","to":3,"content":"still here","timestamp":9})");
  EXPECT_EQ(social_next(*bob)["content"], "still here");
}

TEST_F(SocialTest, ClientMessagesGoOnTheBusForOtherSystems) {
  std::string error;
  auto bus = bus::NatsBus::create({nats_->url()}, &error);
  ASSERT_TRUE(bus) << error;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<json> seen;
  auto sub = bus->subscribe("gw.in.social.>", [&](bus::Message&& m) {
    json envelope = json::parse(m.data, nullptr, false);
    if (!envelope.is_object()) return;
    std::lock_guard lock(mu);
    if (envelope.value("/data/content"_json_pointer, json()) == "on the bus") seen.push_back(envelope);
    cv.notify_all();
  });
  auto alice = connect("alice", 2);
  alice->send(R"({"type":"group","group_id":"1","content":"on the bus","timestamp":11})");
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !seen.empty(); }));
  EXPECT_EQ(seen[0]["app"], "social");
  EXPECT_EQ(seen[0]["kind"], "group");
  EXPECT_EQ(seen[0]["room"], json({{"kind", "group"}, {"id", "1"}}));
  EXPECT_EQ(seen[0]["user"]["id"], "2");
  EXPECT_EQ(seen[0]["data"],
            json::parse(R"({"type":"group","group_id":"1","content":"on the bus","timestamp":11})"));
}

// ---- the HTTP API's own refusals -----------------------------------------------

TEST_F(SocialTest, TheHttpApiNeedsASession) {
  auto a = api();
  EXPECT_EQ(a.get("", "/api/messages/private?user=2").first, 401);
  EXPECT_EQ(a.get("", "/api/messages/group?group=1").first, 401);
  EXPECT_EQ(a.get("", "/api/notifications").first, 401);
  EXPECT_EQ(a.post("", "/api/notifications/read", "").first, 401);
  EXPECT_EQ(a.post("", "/api/groups/invite", R"({"group_id":1,"user_id":4})").first, 401);
  std::string alice = cookie("alice");
  EXPECT_EQ(a.post(alice, "/api/groups/invite", R"({"group_id":"x"})").first, 400);
  EXPECT_EQ(a.get(alice, "/api/messages/private").first, 400);
  EXPECT_EQ(a.get(alice, "/api/messages/private?user=3&limit=-1").first, 400);
}

}  // namespace
}  // namespace gangway::test
