// The circles DM socket (seed 000 §1) end to end, and the user socket's
// notifications from the REST DM endpoints (§2): presence, typing, persisted
// messages and read receipts, reactions, store failures, two gateways.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/circles_stack.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class CirclesDmTest : public SuiteStack<CirclesDmTest> {
 public:
  static nlohmann::json config(const std::string& nats_url, int backend_port) {
    return circles_config(nats_url, backend_port);
  }

 protected:
  static CirclesBackend api() { return CirclesBackend(backend_->port()); }
  static std::string token(const std::string& user) { return api().login(user); }
};

// Thread 4 is Noah (6) and Lena (7), accepted; thread 2 is Maya (8) and Noah (6).

TEST_F(CirclesDmTest, PresenceFollowsTheOtherParticipant) {
  std::string noah_token = token("noah");
  json info;
  auto lena = circles_connect(port(), "/ws/dms/4", token("lena"), &info);
  EXPECT_EQ(info["other_user_online"], false) << info.dump();

  auto noah = circles_connect(port(), "/ws/dms/4", noah_token, &info);
  EXPECT_EQ(info["other_user_online"], true) << "cluster-wide presence knows Lena is there";
  json online = next_of_type(*lena, "presence");
  EXPECT_EQ(online["user_id"], 6);
  EXPECT_EQ(online["online"], true);
  EXPECT_TRUE(is_iso8601(online["timestamp"]));
  EXPECT_EQ(online.size(), 4u) << online.dump();

  // A second socket of Noah's is no news; only the last one leaving is.
  auto noah_phone = circles_connect(port(), "/ws/dms/4", noah_token);
  EXPECT_TRUE(lena->silent_for(300ms));
  noah_phone->close();
  EXPECT_TRUE(lena->silent_for(300ms));
  noah->close();
  json offline = next_of_type(*lena, "presence");
  EXPECT_EQ(offline["user_id"], 6);
  EXPECT_EQ(offline["online"], false);
}

TEST_F(CirclesDmTest, TypingGoesToTheOtherParticipantOnly) {
  auto maya = circles_connect(port(), "/ws/dms/2", token("maya"));
  auto noah = circles_connect(port(), "/ws/dms/2", token("noah"));
  EXPECT_EQ(next_of_type(*maya, "presence")["user_id"], 6);
  maya->send(R"({ "type": "typing", "typing": true })");
  auto raw = noah->next_where("type", "typing");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->find(R"({"type":"typing","user_id":8,"typing":true,"timestamp":")"), 0u) << *raw;
  maya->send(R"({ "type": "ping" })");
  EXPECT_TRUE(next_of_type(*maya, "pong").is_object());
  EXPECT_FALSE(maya->next(300ms).has_value()) << "the typist hears nothing back";
}

TEST_F(CirclesDmTest, MessageIsStoredThenBroadcastWithItsIdAndSenderInfo) {
  std::string maya_token = token("maya");
  auto maya = circles_connect(port(), "/ws/dms/2", maya_token);
  auto noah = circles_connect(port(), "/ws/dms/2", token("noah"));
  maya->send(R"({ "type": "message", "text": "Hello there" })");
  json first;
  for (WsClient* c : {maya.get(), noah.get()}) {
    auto raw = c->next_where("type", "message");
    ASSERT_TRUE(raw);
    json j = json::parse(*raw);
    const json& m = j["message"];
    EXPECT_TRUE(m["id"].is_number_integer()) << *raw;
    EXPECT_EQ(m["thread_id"], 2);
    EXPECT_EQ(m["sender_id"], 8);
    EXPECT_EQ(m["text"], "Hello there");
    EXPECT_TRUE(is_iso8601(m["created_at"])) << *raw;
    EXPECT_EQ(m["sender_info"], json::parse(R"({"id":8,"name":"Maya Patel",
                                                 "avatar_url":"https://cdn.circles.example/avatars/8.png"})"));
    EXPECT_TRUE(is_iso8601(j["timestamp"]));
    EXPECT_EQ(raw->find(R"({"type":"message","message":{"id":)" + m["id"].dump() +
                        R"(,"thread_id":2,"sender_id":8,"text":"Hello there","created_at":")"),
              0u)
        << *raw;
    if (first.is_null()) first = m;
    EXPECT_EQ(m, first) << "both participants see the same stored message";
  }
  auto [status, history] = api().get(maya_token, "/api/v1/dms/2/messages");
  ASSERT_EQ(status, 200);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back(), first) << "it was persisted";
}

TEST_F(CirclesDmTest, AWebSocketMessageNotifiesTheRecipientsUserSocket) {
  auto maya = circles_connect(port(), "/ws/dms/2", token("maya"));
  auto noah_inbox = circles_connect(port(), "/ws/user/6", token("noah"));
  maya->send(R"({"type":"message","text":"for your inbox"})");
  json stored = next_of_type(*maya, "message")["message"];
  json notice = next_of_type(*noah_inbox, "dm_message");
  EXPECT_EQ(notice["thread_id"], 2);
  EXPECT_EQ(notice["message_id"], stored["id"]);
  EXPECT_EQ(notice["from_user"], 8);
  EXPECT_EQ(notice["text"], "for your inbox");
}

TEST_F(CirclesDmTest, MarkReadIsStoredAndBroadcastAsAReadReceipt) {
  auto maya = circles_connect(port(), "/ws/dms/2", token("maya"));
  auto noah = circles_connect(port(), "/ws/dms/2", token("noah"));
  maya->send(R"({ "type": "mark_read" })");
  for (WsClient* c : {maya.get(), noah.get()}) {
    auto raw = c->next_where("type", "read_receipt");
    ASSERT_TRUE(raw);
    json j = json::parse(*raw);
    EXPECT_EQ(j["user_id"], 8);
    EXPECT_TRUE(is_iso8601(j["last_read_at"])) << *raw;
    EXPECT_TRUE(is_iso8601(j["timestamp"]));
    EXPECT_EQ(raw->find(R"({"type":"read_receipt","user_id":8,"last_read_at":")"), 0u) << *raw;
  }
}

TEST_F(CirclesDmTest, ReactionIsBroadcastToBothParticipants) {
  auto maya = circles_connect(port(), "/ws/dms/2", token("maya"));
  auto noah = circles_connect(port(), "/ws/dms/2", token("noah"));
  noah->send(R"({ "type": "reaction", "message_id": 35, "reaction": "❤️" })");
  for (WsClient* c : {maya.get(), noah.get()})
    EXPECT_EQ(c->next_where("type", "reaction"), R"({"type":"reaction","message_id":35,"user_id":6,"reaction":"❤️"})");
}

TEST_F(CirclesDmTest, RestEndpointsNotifyTheUserSocket) {
  std::string maya_token = token("maya");
  std::string noah_token = token("noah");
  auto maya_inbox = circles_connect(port(), "/ws/user/8", maya_token);
  auto maya_thread = circles_connect(port(), "/ws/dms/2", maya_token);

  auto [status, m] = api().post(noah_token, "/api/v1/dms/2/messages", {{"text", "sent over HTTP"}});
  ASSERT_EQ(status, 201) << m.dump();
  json notice = next_of_type(*maya_inbox, "dm_message");
  EXPECT_EQ(notice["thread_id"], 2);
  EXPECT_EQ(notice["message_id"], m["id"]);
  EXPECT_EQ(notice["from_user"], 6);
  EXPECT_EQ(next_of_type(*maya_thread, "message")["message"], m) << "the thread socket shows it too";

  auto [reply_status, reply] =
      api().post(noah_token, "/api/v1/dms/2/messages", {{"text", "a reply"}, {"reply_to_id", m["id"]}});
  ASSERT_EQ(reply_status, 201);
  auto raw_reply = maya_inbox->next_where("type", "dm_reply");
  ASSERT_TRUE(raw_reply);
  EXPECT_EQ(raw_reply->find(R"({"type":"dm_reply","thread_id":2,"message_id":)" + reply["id"].dump() +
                            R"(,"reply_to_id":)" + m["id"].dump()),
            0u)
      << *raw_reply;

  ASSERT_EQ(api().post(noah_token, "/api/v1/dms/2/messages", {{"media_url", "https://x/y.jpg"}}).first, 201);
  EXPECT_EQ(next_of_type(*maya_inbox, "dm_media")["media_url"], "https://x/y.jpg");

  ASSERT_EQ(api().post(noah_token, "/api/v1/dms/2/messages/" + m["id"].dump() + "/reactions", {{"emoji", "❤️"}}).first,
            201);
  auto raw_reaction = maya_inbox->next_where("type", "reaction");
  ASSERT_TRUE(raw_reaction);
  EXPECT_EQ(raw_reaction->find(R"({"type":"reaction","message_id":)" + m["id"].dump() +
                               R"(,"emoji":"❤️","from_user":6)"),
            0u)
      << *raw_reaction;
}

TEST_F(CirclesDmTest, ADmRequestReachesTheRecipientAndAcceptingOpensTheThread) {
  std::string maya_token = token("maya");
  auto maya_inbox = circles_connect(port(), "/ws/user/8", maya_token);
  auto [status, thread] = api().post(token("omar"), "/api/v1/dms/requests", {{"to_user", 8}});
  ASSERT_EQ(status, 201) << thread.dump();
  auto raw = maya_inbox->next_where("type", "dm_request");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->find(R"({"type":"dm_request","thread_id":)" + thread["id"].dump() + R"(,"from_user":9)"), 0u) << *raw;

  std::string path = "/ws/dms/" + thread["id"].dump();
  EXPECT_EQ(circles_refused(port(), path + "?token=" + maya_token), 4403) << "still pending";
  ASSERT_EQ(api().post(maya_token, "/api/v1/dms/" + thread["id"].dump() + "/accept", json::object()).first, 200);
  circles_connect(port(), path, maya_token);
}

TEST_F(CirclesDmTest, TwoGatewaysShareRoomsAndPresence) {
  auto other = std::make_unique<GatewayProcess>(circles_config(nats_->url(), backend_->port(), {}, "gw-circles-2"));
  json info;
  auto noah = circles_connect(port(), "/ws/dms/4", token("noah"), &info);
  auto lena = circles_connect(other->port(), "/ws/dms/4", token("lena"), &info);
  EXPECT_EQ(info["other_user_online"], true) << "Noah is on the other gateway";
  EXPECT_EQ(next_of_type(*noah, "presence")["user_id"], 7);
  lena->send(R"({"type":"message","text":"across gateways"})");
  EXPECT_EQ(next_of_type(*noah, "message")["message"]["text"], "across gateways");
  EXPECT_EQ(next_of_type(*lena, "message")["message"]["text"], "across gateways");
}

TEST_F(CirclesDmTest, AStoreFailureIsAnErrorFrameAndNothingIsBroadcast) {
  CirclesConfigOptions broken;
  broken.store_message_path = "/api/v1/dms/{data:/thread_id}/no-such-store";  // 404
  auto other = std::make_unique<GatewayProcess>(circles_config(nats_->url(), backend_->port(), broken, "gw-broken"));
  auto maya = circles_connect(other->port(), "/ws/dms/2", token("maya"));
  auto noah = circles_connect(port(), "/ws/dms/2", token("noah"));
  maya->send(R"({"type":"message","text":"lost?"})");
  json error = next_of_type(*maya, "error");
  EXPECT_EQ(error["code"], "store_failed") << error.dump();
  EXPECT_FALSE(noah->next_where("type", "message", 500ms).has_value());
}

TEST_F(CirclesDmTest, TheWindowIsConfigurable) {
  CirclesConfigOptions wide;
  wide.window_hours = 24;
  auto other = std::make_unique<GatewayProcess>(circles_config(nats_->url(), backend_->port(), wide, "gw-wide"));
  std::string lena = token("lena");  // checked in at place 1 twenty hours ago
  EXPECT_EQ(circles_refused(port(), "/ws/places/1/chat?token=" + lena), 4403);
  auto c = std::make_unique<WsClient>(other->port(), "/ws/places/1/chat?token=" + lena);
  ASSERT_EQ(c->handshake().http_status, 101);
  EXPECT_EQ(c->next(), R"({"type":"connection_established","place_id":1,"user_id":7,"window_hours":24})");
}

}  // namespace
}  // namespace gangway::test
