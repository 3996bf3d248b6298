// The pythia dialect end to end, client frames: connect, auth, join/leave,
// typing, ping, online users and every error code. A real nats-server, the
// demo backend, the gangway binary and WebSocket clients on free ports.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>

#include "gateway/bus/nats_bus.hpp"
#include "tests/integration/pythia_stack.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class PythiaTest : public PythiaStack {};

std::vector<std::string> keys(const std::string& frame) {
  std::vector<std::string> out;
  auto j = nlohmann::ordered_json::parse(frame);  // items() must not outlive it
  for (const auto& [k, v] : j.items()) out.push_back(k);
  return out;
}

bool seed_timestamp(const json& v) {
  static const std::regex format(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  return v.is_string() && std::regex_match(v.get<std::string>(), format);
}

// The raw next frame of `type` (so its key order can be checked).
std::string next_raw(WsClient& c, const std::string& type) {
  return c.next_where("type", type).value_or("{}");
}

TEST_F(PythiaTest, ConnectionEstablishedIsTheSeedsFrame) {
  std::string hello;
  auto alice = pythia_connect(port(), token("alice"), "u-alice", "alice", &hello);
  EXPECT_EQ(keys(hello), (std::vector<std::string>{"type", "user_id", "username", "timestamp"}));
  EXPECT_TRUE(seed_timestamp(json::parse(hello)["timestamp"])) << hello;
}

TEST_F(PythiaTest, BadTokensAreRefusedWith401) {
  std::int64_t now = std::time(nullptr);
  json good = {{"sub", "u-alice"},
               {"username", "alice"},
               {"iss", "gangway-demo"},
               {"aud", "gangway"},
               {"exp", now + 600}};
  json expired = good;
  expired["exp"] = now - 3600;
  for (const std::string& target :
       {std::string("/ws"), std::string("/ws?token="), std::string("/ws?token=garbage"),
        "/ws?token=" + mint_token(expired), "/ws?token=" + mint_token(good, "wrong")}) {
    WsClient c(port(), target);
    EXPECT_EQ(c.handshake().http_status, 401) << target;
  }
  pythia_connect(port(), mint_token(good), "u-alice", "alice");
}

TEST_F(PythiaTest, AUserTheBackendDoesNotKnowIsRefusedWith403) {
  std::int64_t now = std::time(nullptr);
  json stranger = {{"sub", "u-nobody"}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", now + 600}};
  WsClient c(port(), "/ws?token=" + mint_token(stranger));
  EXPECT_EQ(c.handshake().http_status, 403);
}

TEST_F(PythiaTest, PingPong) {
  auto alice = pythia_connect(port(), token("alice"));
  alice->send(R"({"type":"ping"})");
  std::string pong = next_raw(*alice, "pong");
  EXPECT_EQ(keys(pong), (std::vector<std::string>{"type", "timestamp"}));
  EXPECT_TRUE(seed_timestamp(json::parse(pong)["timestamp"]));
}

TEST_F(PythiaTest, JoiningAPrivateChannelOfOthersIsAccessDenied) {
  auto carol = pythia_connect(port(), token("carol"));
  carol->send(json{{"type", "join_channel"}, {"channel_id", kSecretChannel}}.dump());
  EXPECT_EQ(carol->next_where("type", "error"),
            R"({"type":"error","error_code":"access_denied","message":"Access denied to channel",)"
            R"("details":"User is not a member of this private channel"})");
  // Nothing from the channel reaches her.
  ASSERT_EQ(rest_post(backend_port(), token("bob"), "/api/v1/messages/",
                      {{"channel_id", kSecretChannel}, {"content", "members only"}})
                .status,
            201);
  EXPECT_TRUE(none_of(*carol, "new_message"));
}

TEST_F(PythiaTest, JoinAndLeaveAPublicChannel) {
  auto carol = pythia_connect(port(), token("carol"));
  carol->send(json{{"type", "join_channel"}, {"channel_id", kRandomChannel}}.dump());
  std::string joined = next_raw(*carol, "channel_joined");
  EXPECT_EQ(keys(joined), (std::vector<std::string>{"type", "channel_id", "timestamp"}));
  EXPECT_EQ(json::parse(joined)["channel_id"], kRandomChannel);

  auto bob_token = token("bob");
  auto in_random = [](const json& j) {
    return j.value("/data/channelId"_json_pointer, "") == kRandomChannel;
  };
  ASSERT_EQ(rest_post(backend_port(), bob_token, "/api/v1/messages/",
                      {{"channel_id", kRandomChannel}, {"content", "hi"}})
                .status,
            201);
  EXPECT_TRUE(next_of(*carol, "new_message", in_random));

  carol->send(json{{"type", "leave_channel"}, {"channel_id", kRandomChannel}}.dump());
  std::string left = next_raw(*carol, "channel_left");
  EXPECT_EQ(keys(left), (std::vector<std::string>{"type", "channel_id", "timestamp"}));
  ASSERT_EQ(rest_post(backend_port(), bob_token, "/api/v1/messages/",
                      {{"channel_id", kRandomChannel}, {"content", "bye"}})
                .status,
            201);
  EXPECT_TRUE(none_of(*carol, "new_message", in_random));
}

TEST_F(PythiaTest, TypingReachesTheOtherMembersAndTheBus) {
  std::string error;
  auto bus = bus::NatsBus::create({nats_url()}, &error);
  ASSERT_TRUE(bus) << error;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> seen;
  auto sub =
      bus->subscribe(std::string("gw.in.pythia.typing.channel.") + kGeneralChannel, [&](bus::Message&& m) {
        std::lock_guard lock(mu);
        seen.push_back(m.data);
        cv.notify_all();
      });
  auto alice = pythia_connect(port(), token("alice"));
  auto bob = pythia_connect(port(), token("bob"));
  alice->send(
      json{{"type", "typing_indicator"}, {"channel_id", kGeneralChannel}, {"is_typing", true}}.dump());
  auto from_alice = [](const json& j) {
    return j.value("user_id", "") == "u-alice" && j.value("is_typing", false);
  };
  // Sockets closing from earlier tests send typing stops too: skip those.
  std::string frame = "{}";
  while (auto f = bob->next_where("type", "typing_indicator")) {
    if (from_alice(json::parse(*f))) {
      frame = *f;
      break;
    }
  }
  EXPECT_EQ(keys(frame),
            (std::vector<std::string>{"type", "user_id", "channel_id", "is_typing", "timestamp"}));
  EXPECT_TRUE(from_alice(json::parse(frame))) << frame;
  EXPECT_EQ(json::parse(frame)["channel_id"], kGeneralChannel);
  EXPECT_TRUE(none_of(*alice, "typing_indicator", from_alice)) << "the typist is excluded";

  auto started = [](const std::string& body) {
    auto j = json::parse(body);
    return j["user"]["id"] == "u-alice" && j["data"]["is_typing"] == true;
  };
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return std::any_of(seen.begin(), seen.end(), started); }));
  auto envelope = json::parse(*std::find_if(seen.begin(), seen.end(), started));
  EXPECT_EQ(envelope["app"], "pythia");
  EXPECT_EQ(envelope["kind"], "typing");
  EXPECT_EQ(envelope["data"],
            json({{"user_id", "u-alice"}, {"channel_id", kGeneralChannel}, {"is_typing", true}}));
}

TEST_F(PythiaTest, TypingInAChannelNotJoinedIsAccessDenied) {
  auto carol = pythia_connect(port(), token("carol"));
  carol->send(json{{"type", "typing_indicator"}, {"channel_id", kSecretChannel}, {"is_typing", true}}.dump());
  auto e = next_of(*carol, "error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["error_code"], "access_denied");
}

TEST_F(PythiaTest, OnlineUsersAreTheChannelsConnectedMembers) {
  auto alice = pythia_connect(port(), token("alice"));
  auto bob = pythia_connect(port(), token("bob"));
  alice->send(json{{"type", "get_online_users"}, {"channel_id", kGeneralChannel}}.dump());
  std::string frame = next_raw(*alice, "online_users");
  EXPECT_EQ(keys(frame), (std::vector<std::string>{"type", "channel_id", "users", "timestamp"}));
  auto j = json::parse(frame);
  EXPECT_EQ(j["channel_id"], kGeneralChannel);
  // Sockets of earlier tests may still be leaving: check the two that must be there.
  auto has = [&](const char* id) {
    return std::find(j["users"].begin(), j["users"].end(), json(id)) != j["users"].end();
  };
  EXPECT_TRUE(has("u-alice") && has("u-bob")) << frame;

  auto carol = pythia_connect(port(), token("carol"));
  carol->send(json{{"type", "get_online_users"}, {"channel_id", kSecretChannel}}.dump());
  auto e = next_of(*carol, "error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["error_code"], "access_denied");
}

TEST_F(PythiaTest, EveryBadFrameGetsTheSeedsErrorCodeAndTheSocketStaysUsable) {
  auto alice = pythia_connect(port(), token("alice"));
  const std::pair<std::string, std::string> cases[] = {
      {"{not json", "invalid_json"},
      {"[1,2]", "invalid_json"},
      {R"({"type":"launch"})", "unknown_message_type"},
      {R"({"no_type":1})", "unknown_message_type"},
      {R"({"type":"join_channel"})", "missing_channel_id"},
      {R"({"type":"leave_channel","channel_id":""})", "missing_channel_id"},
      {R"({"type":"join_channel","channel_id":"a.b"})", "join_channel_error"},
      {R"({"type":"leave_channel","channel_id":">"})", "leave_channel_error"},
      {R"({"type":"typing_indicator","channel_id":"c","is_typing":"yes"})", "typing_indicator_error"},
      {R"({"type":"get_online_users","channel_id":"*"})", "get_online_users_error"},
      {R"({"type":"join_channel","channel_id":"no-such-channel"})", "access_denied"},
  };
  for (const auto& [frame, code] : cases) {
    alice->send(frame);
    auto e = next_of(*alice, "error");
    ASSERT_TRUE(e) << frame;
    EXPECT_EQ((*e)["error_code"], code) << frame;
    EXPECT_EQ(e->size(), 4u) << e->dump();
  }
  alice->send_binary("\x01\x02");
  auto e = next_of(*alice, "error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["error_code"], "invalid_json");
  alice->send(R"({"type":"ping"})");
  EXPECT_TRUE(next_of(*alice, "pong"));
}

TEST_F(PythiaTest, OversizeFrameClosesWith1009) {
  auto alice = pythia_connect(port(), token("alice"));
  alice->send(R"({"type":"ping","pad":")" + std::string(8000, 'x') + "\"}");
  EXPECT_EQ(alice->wait_closed(), 1009);
}

}  // namespace
}  // namespace gangway::test
