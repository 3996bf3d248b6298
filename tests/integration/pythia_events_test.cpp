// The pythia dialect end to end, server events: what the REST service publishes
// (new_message, message_reaction, mention_notification, user_joined/left),
// presence (user_status online/offline, typing cleanup on disconnect), and a
// backend that is down.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/pythia_stack.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class PythiaEventsTest : public PythiaStack {};

// A raw frame's keys in the order they were sent.
std::vector<std::string> raw_keys(const std::string& frame) {
  std::vector<std::string> out;
  auto j = nlohmann::ordered_json::parse(frame);  // items() must not outlive it
  for (const auto& [k, v] : j.items()) out.push_back(k);
  return out;
}

auto about(const std::string& user) {
  return [user](const json& j) { return j.value("user_id", "") == user; };
}

TEST_F(PythiaEventsTest, NewMessageReachesAutoJoinedMembersIncludingTheSender) {
  auto alice = pythia_connect(port(), token("alice"));
  auto bob_token = token("bob");
  auto bob = pythia_connect(port(), bob_token);
  auto posted = rest_post(backend_port(), bob_token, "/api/v1/messages/",
                          {{"channel_id", kGeneralChannel}, {"content", "Hello everyone!"}});
  ASSERT_EQ(posted.status, 201);
  for (auto* c : {alice.get(), bob.get()}) {
    std::string frame = c->next_where("type", "new_message").value_or("{}");
    EXPECT_EQ(raw_keys(frame), (std::vector<std::string>{"type", "data", "timestamp"}));
    auto j = nlohmann::ordered_json::parse(frame);
    std::vector<std::string> data_keys;
    for (const auto& [k, v] : j["data"].items()) data_keys.push_back(k);
    EXPECT_EQ(data_keys, (std::vector<std::string>{"id", "content", "channelId", "userId", "createdAt",
                                                   "updatedAt", "user"}));
    EXPECT_EQ(json::parse(frame)["data"], posted.body) << "the frame carries what the REST call answered";
    EXPECT_EQ(j["data"]["user"].dump(), R"({"id":"u-bob","username":"bob","email":"bob@example.com"})");
  }
}

TEST_F(PythiaEventsTest, MessageReactionFromTheRestApi) {
  auto alice_token = token("alice");
  auto bob_token = token("bob");
  auto bob = pythia_connect(port(), bob_token);
  auto posted = rest_post(backend_port(), bob_token, "/api/v1/messages/",
                          {{"channel_id", kGeneralChannel}, {"content", "react to me"}});
  ASSERT_EQ(posted.status, 201);
  std::string message_id = posted.body["id"];
  auto reacted = rest_post(backend_port(), alice_token, "/api/v1/messages/reactions",
                           {{"message_id", message_id}, {"emoji", "👍"}, {"action", "add"}});
  ASSERT_EQ(reacted.status, 200);
  std::string frame = bob->next_where("type", "message_reaction").value_or("{}");
  EXPECT_EQ(raw_keys(frame), (std::vector<std::string>{"type", "message_id", "data", "timestamp"}));
  auto j = json::parse(frame);
  EXPECT_EQ(j["message_id"], message_id);
  EXPECT_EQ(nlohmann::ordered_json::parse(frame)["data"].dump(),
            R"({"emoji":"👍","user_id":"u-alice","username":"alice","action":"add"})");
}

TEST_F(PythiaEventsTest, MentionNotificationGoesToTheMentionedUserOnly) {
  auto alice = pythia_connect(port(), token("alice"));
  auto carol = pythia_connect(port(), token("carol"));
  auto bob_token = token("bob");
  auto posted = rest_post(backend_port(), bob_token, "/api/v1/messages/",
                          {{"channel_id", kGeneralChannel}, {"content", "Hey @alice, check this out!"}});
  ASSERT_EQ(posted.status, 201);
  std::string frame = alice->next_where("type", "mention_notification").value_or("{}");
  EXPECT_EQ(raw_keys(frame), (std::vector<std::string>{"type", "data", "timestamp"}));
  std::string message_id = posted.body.value("id", "");
  EXPECT_EQ(nlohmann::ordered_json::parse(frame)["data"].dump(),
            R"({"message_id":")" + message_id + R"(","channel_id":")" + kGeneralChannel +
                R"(","content":"Hey @alice, check this out!","from_user_id":"u-bob","from_username":"bob"})");
  EXPECT_TRUE(none_of(*carol, "mention_notification"));

  // A mention in a private channel does not reach a non-member.
  ASSERT_EQ(rest_post(backend_port(), bob_token, "/api/v1/messages/",
                      {{"channel_id", kSecretChannel}, {"content", "@carol psst"}})
                .status,
            201);
  EXPECT_TRUE(none_of(*carol, "mention_notification"));
}

TEST_F(PythiaEventsTest, UserJoinedAndUserLeftFromTheChannelApi) {
  auto alice = pythia_connect(port(), token("alice"));
  auto carol_token = token("carol");
  ASSERT_EQ(
      rest_post(backend_port(), carol_token, std::string("/api/v1/channels/") + kRandomChannel + "/join")
          .status,
      200);
  auto joined = next_of(*alice, "user_joined", about("u-carol"));
  ASSERT_TRUE(joined);
  EXPECT_EQ(joined->size(), 4u);
  EXPECT_EQ((*joined)["channel_id"], kRandomChannel);

  // Her next connection auto-joins the channel she joined through the API.
  auto carol = pythia_connect(port(), carol_token);
  ASSERT_EQ(rest_post(backend_port(), token("bob"), "/api/v1/messages/",
                      {{"channel_id", kRandomChannel}, {"content", "welcome"}})
                .status,
            201);
  EXPECT_TRUE(next_of(*carol, "new_message"));

  ASSERT_EQ(
      rest_post(backend_port(), carol_token, std::string("/api/v1/channels/") + kRandomChannel + "/leave")
          .status,
      200);
  auto left = next_of(*alice, "user_left", about("u-carol"));
  ASSERT_TRUE(left);
  EXPECT_EQ((*left)["channel_id"], kRandomChannel);
  // A private channel cannot be joined through the API either.
  EXPECT_EQ(
      rest_post(backend_port(), carol_token, std::string("/api/v1/channels/") + kSecretChannel + "/join")
          .status,
      403);
}

TEST_F(PythiaEventsTest, UserStatusOnlineOnFirstSocketAndOfflineWithTypingStopOnLast) {
  auto bob = pythia_connect(port(), token("bob"));
  auto alice_token = token("alice");
  auto alice = pythia_connect(port(), alice_token);
  auto online = next_of(*bob, "user_status", about("u-alice"));
  ASSERT_TRUE(online);
  EXPECT_EQ((*online)["status"], "online");
  EXPECT_EQ(online->size(), 4u);

  // A second socket is not news, and closing it leaves her online.
  auto alice_phone = pythia_connect(port(), alice_token);
  alice_phone->close();
  auto alice_offline = [](const json& j) {
    return j.value("user_id", "") == "u-alice" && j.value("status", "") == "offline";
  };
  EXPECT_TRUE(none_of(*bob, "user_status", alice_offline));

  alice->close();
  auto offline = next_of(*bob, "user_status", alice_offline);
  ASSERT_TRUE(offline);
  auto stop = next_of(*bob, "typing_indicator", about("u-alice"));
  ASSERT_TRUE(stop) << "typing_stop_on_close defaults to every_close";
  EXPECT_EQ((*stop)["is_typing"], false);
}

TEST_F(PythiaEventsTest, PresenceTypingAndMessagesCrossGateways) {
  // bob on a second gateway of the same cluster (one nats-server).
  GatewayProcess other(pythia_config(nats_url(), backend_port(), "gw-pythia-2"));
  auto bob = pythia_connect(other.port(), token("bob"));
  auto alice = pythia_connect(port(), token("alice"));
  auto online = next_of(*bob, "user_status", about("u-alice"));
  ASSERT_TRUE(online) << "alice's status crosses to bob's gateway";
  EXPECT_EQ((*online)["status"], "online");

  alice->send(json{{"type", "typing_indicator"}, {"channel_id", kGeneralChannel}, {"is_typing", true}}.dump());
  auto typing = next_of(*bob, "typing_indicator", about("u-alice"));
  ASSERT_TRUE(typing);
  EXPECT_EQ((*typing)["is_typing"], true);

  alice->send(json{{"type", "get_online_users"}, {"channel_id", kGeneralChannel}}.dump());
  auto users = next_of(*alice, "online_users");
  ASSERT_TRUE(users);
  EXPECT_NE(users->dump().find("u-bob"), std::string::npos) << "bob is online on the other gateway: " << *users;

  ASSERT_EQ(rest_post(backend_port(), token("alice"), "/api/v1/messages/",
                      {{"channel_id", kGeneralChannel}, {"content", "across gateways"}})
                .status,
            201);
  auto message = next_of(*bob, "new_message");
  ASSERT_TRUE(message);
  EXPECT_NE(message->dump().find("across gateways"), std::string::npos) << *message;

  alice->close();
  auto offline = next_of(*bob, "user_status", [](const json& j) {
    return j.value("user_id", "") == "u-alice" && j.value("status", "") == "offline";
  });
  EXPECT_TRUE(offline) << "and so does her going offline";
}

TEST(PythiaBackendDown, UpgradeIsRefusedAndJoinFailsClosed) {
  NatsServer nats;
  auto backend = std::make_unique<DemoBackend>(nats.url());
  GatewayProcess gw(pythia_config(nats.url(), backend->port()));
  auto alice_token = backend->login("alice");
  auto alice = pythia_connect(gw.port(), alice_token);
  backend.reset();

  alice->send(json{{"type", "join_channel"}, {"channel_id", kRandomChannel}}.dump());
  auto e = next_of(*alice, "error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["error_code"], "join_channel_error");
  alice->send(json{{"type", "get_online_users"}, {"channel_id", kRandomChannel}}.dump());
  e = next_of(*alice, "error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["error_code"], "get_online_users_error");

  // Without the membership list there is no connection.
  WsClient late(gw.port(), "/ws?token=" + alice_token);
  EXPECT_EQ(late.handshake().http_status, 503);
}

}  // namespace
}  // namespace gangway::test
