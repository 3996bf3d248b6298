// The circles dialect (seed 000) end to end: a real nats-server, the demo
// backend, the gangway binary and real WebSocket clients. This file walks the
// seed's "Common" rows, the connect-time gates of all three sockets, the user
// socket and the place chat; circles_dm_test.cpp walks the DM socket.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/bus/nats_bus.hpp"
#include "tests/integration/circles_stack.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class CirclesTest : public SuiteStack<CirclesTest> {
 public:
  static nlohmann::json config(const std::string& nats_url, int backend_port) {
    return circles_config(nats_url, backend_port);
  }

 protected:
  static CirclesBackend api() { return CirclesBackend(backend_->port()); }
  static std::string token(const std::string& user) { return api().login(user); }
};

// ---- Common: authentication, close codes, keepalive ---------------------------

TEST_F(CirclesTest, MissingOrInvalidTokenIsAcceptedThenClosedWith4401) {
  std::int64_t now = std::time(nullptr);
  json good = {{"sub", "8"}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", now + 600}};
  json expired = good;
  expired["exp"] = now - 3600;
  for (std::string path : {"/ws/dms/2", "/ws/user/8", "/ws/places/1/chat"}) {
    for (const std::string& query : {std::string(""), std::string("?token="), std::string("?token=garbage"),
                                     "?token=" + mint_token(expired), "?token=" + mint_token(good, "wrong-secret")}) {
      EXPECT_EQ(circles_refused(port(), path + query), 4401) << path << query;
    }
  }
  // The same claims, correctly signed, get in.
  circles_connect(port(), "/ws/user/8", mint_token(good));
}

TEST_F(CirclesTest, PingIsAnsweredWithAnIsoTimestampOnEverySocket) {
  std::string maya = token("maya");
  for (std::string path : {"/ws/dms/2", "/ws/user/8", "/ws/places/1/chat"}) {
    auto c = circles_connect(port(), path, maya);
    c->send(R"({ "type": "ping" })");
    json pong = next_of_type(*c, "pong");
    ASSERT_TRUE(pong.is_object()) << path;
    EXPECT_EQ(pong.size(), 2u) << pong.dump();
    EXPECT_TRUE(is_iso8601(pong["timestamp"])) << pong.dump();
  }
}

TEST_F(CirclesTest, UnknownPathIs404) {
  WsClient c(port(), "/ws/elsewhere?token=" + token("maya"));
  EXPECT_EQ(c.handshake().http_status, 404);
}

TEST_F(CirclesTest, AClientsNormalCloseIsAnsweredWith1000) {
  auto c = circles_connect(port(), "/ws/user/8", token("maya"));
  c->close(1000);
  EXPECT_EQ(c->wait_closed(), 1000);
}

// ---- DM socket gate ---------------------------------------------------------------

TEST_F(CirclesTest, DmSocketGreetsAParticipantOfAnAcceptedThread) {
  json info;
  auto c = std::make_unique<WsClient>(port(), "/ws/dms/2?token=" + token("maya"));
  ASSERT_EQ(c->handshake().http_status, 101);
  json hello = next_json(*c);
  EXPECT_EQ(hello["type"], "connection_established");
  EXPECT_EQ(hello["thread_id"], 2);
  EXPECT_EQ(hello["user_id"], 8);
  EXPECT_TRUE(is_iso8601(hello["timestamp"]));
  auto raw = c->next();
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->find(R"({"type":"thread_info","participants":[{"id":8,"name":"Maya Patel","avatar_url":)"
                      R"("https://cdn.circles.example/avatars/8.png"},{"id":6,"name":"Noah Kim","avatar_url":null}],)"
                      R"("other_user_online":)"),
            0u)
      << *raw;
  EXPECT_TRUE(is_iso8601(json::parse(*raw)["timestamp"]));
}

TEST_F(CirclesTest, DmSocketClosesWith4403ForNonParticipantsPendingAndUnknownThreads) {
  EXPECT_EQ(circles_refused(port(), "/ws/dms/2?token=" + token("omar")), 4403) << "not a participant";
  EXPECT_EQ(circles_refused(port(), "/ws/dms/3?token=" + token("maya")), 4403) << "thread 3 is pending";
  EXPECT_EQ(circles_refused(port(), "/ws/dms/999?token=" + token("maya")), 4403) << "no such thread";
}

TEST_F(CirclesTest, DmSocketIdsWithSubjectMetacharactersNeverMatchARoute) {
  for (const char* path : {"/ws/dms/2.3", "/ws/dms/*", "/ws/dms/%3E"}) {
    WsClient c(port(), std::string(path) + "?token=" + token("maya"));
    EXPECT_EQ(c.handshake().http_status, 404) << path;
  }
}

// ---- User socket ---------------------------------------------------------------------

TEST_F(CirclesTest, UserSocketGreetsItsOwner) {
  auto c = std::make_unique<WsClient>(port(), "/ws/user/8?token=" + token("maya"));
  ASSERT_EQ(c->handshake().http_status, 101);
  json hello = next_json(*c);
  EXPECT_EQ(hello.size(), 3u) << hello.dump();
  EXPECT_EQ(hello["type"], "connection_established");
  EXPECT_EQ(hello["user_id"], 8);
  EXPECT_TRUE(is_iso8601(hello["timestamp"]));
}

TEST_F(CirclesTest, UserSocketOfAnotherUserClosesWith4401) {
  EXPECT_EQ(circles_refused(port(), "/ws/user/6?token=" + token("maya")), 4401);
  EXPECT_EQ(circles_refused(port(), "/ws/user/08?token=" + token("maya")), 4401);
}

TEST_F(CirclesTest, UserSocketAcceptsOnlyPing) {
  auto c = circles_connect(port(), "/ws/user/8", token("maya"));
  c->send(R"({"type":"message","text":"hi"})");
  json error = next_json(*c);
  EXPECT_EQ(error, json({{"type", "error"}, {"code", "unknown_type"}, {"message", "unknown type 'message'"}}));
  c->send(R"({"type":"ping"})");
  EXPECT_EQ(next_json(*c)["type"], "pong");
}

// ---- Place chat ------------------------------------------------------------------------

TEST_F(CirclesTest, PlaceSocketGreetsARecentCheckInWithTheWindow) {
  auto c = std::make_unique<WsClient>(port(), "/ws/places/1/chat?token=" + token("maya"));
  ASSERT_EQ(c->handshake().http_status, 101);
  EXPECT_EQ(c->next(), R"({"type":"connection_established","place_id":1,"user_id":8,"window_hours":12})");
}

TEST_F(CirclesTest, PlaceSocketClosesWith4403WithoutARecentCheckIn) {
  EXPECT_EQ(circles_refused(port(), "/ws/places/1/chat?token=" + token("lena")), 4403) << "20 h ago";
  EXPECT_EQ(circles_refused(port(), "/ws/places/2/chat?token=" + token("noah")), 4403) << "never";
  EXPECT_EQ(circles_refused(port(), "/ws/places/77/chat?token=" + token("maya")), 4403) << "no such place";
}

TEST_F(CirclesTest, CheckingInOpensThePlaceChat) {
  std::string omar = token("omar");
  // Place 41 is this test's alone (place 3 is checked into by another).
  EXPECT_EQ(circles_refused(port(), "/ws/places/41/chat?token=" + omar), 4403);
  ASSERT_EQ(api().post(omar, "/api/v1/places/41/checkins", json::object()).first, 201);
  circles_connect(port(), "/ws/places/41/chat", omar);
}

TEST_F(CirclesTest, PlaceTypingReachesOtherAttendeesOnly) {
  auto maya = circles_connect(port(), "/ws/places/1/chat", token("maya"));
  auto noah = circles_connect(port(), "/ws/places/1/chat", token("noah"));
  maya->send(R"({ "type": "typing", "typing": true })");
  json typing = next_of_type(*noah, "typing");
  EXPECT_EQ(typing["user_id"], 8);
  EXPECT_EQ(typing["typing"], true);
  EXPECT_TRUE(is_iso8601(typing["timestamp"]));
  EXPECT_TRUE(maya->silent_for(300ms));
}

TEST_F(CirclesTest, PlaceMessageIsEchoedToEveryAttendeeIncludingTheSender) {
  auto maya = circles_connect(port(), "/ws/places/1/chat", token("maya"));
  auto noah = circles_connect(port(), "/ws/places/1/chat", token("noah"));
  std::string omar = token("omar");
  ASSERT_EQ(api().post(omar, "/api/v1/places/3/checkins", json::object()).first, 201);
  auto elsewhere = circles_connect(port(), "/ws/places/3/chat", omar);
  maya->send(R"({ "type": "message", "text": "Anyone around?" })");
  for (WsClient* c : {maya.get(), noah.get()}) {
    auto raw = c->next_where("type", "message");
    ASSERT_TRUE(raw);
    EXPECT_EQ(raw->find(R"({"type":"message","place_id":1,"user_id":8,"text":"Anyone around?","timestamp":")"), 0u)
        << *raw;
  }
  EXPECT_TRUE(elsewhere->silent_for(300ms)) << "another place's room";
}

TEST_F(CirclesTest, PlaceTrafficIsPublishedOnTheInboundSubject) {
  std::string error;
  auto bus = bus::NatsBus::create({nats_->url()}, &error);
  ASSERT_TRUE(bus) << error;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<json> seen;
  auto sub = bus->subscribe("gw.in.circles.message.place.1", [&](bus::Message&& m) {
    std::lock_guard lock(mu);
    seen.push_back(json::parse(m.data, nullptr, false));
    cv.notify_all();
  });
  // The subscription is live once our own probe comes back (NATS keeps one
  // connection's order), so the gateway's publish cannot overtake it.
  ASSERT_EQ(bus->publish("gw.in.circles.message.place.1", R"({"probe":true})"), bus::BusError::ok);
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !seen.empty(); }));
    seen.clear();
  }
  auto maya = circles_connect(port(), "/ws/places/1/chat", token("maya"));
  maya->send(R"({"type":"message","text":"on the bus"})");
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !seen.empty(); }));
  EXPECT_EQ(seen[0]["app"], "circles");
  EXPECT_EQ(seen[0]["kind"], "message");
  EXPECT_EQ(seen[0]["room"], json({{"kind", "place"}, {"id", "1"}}));
  EXPECT_EQ(seen[0]["user"]["id"], "8");
  EXPECT_EQ(seen[0]["data"], json({{"place_id", 1}, {"user_id", 8}, {"text", "on the bus"}}));
}

TEST_F(CirclesTest, DmOnlyTypesAreUnknownOnAPlaceSocket) {
  auto maya = circles_connect(port(), "/ws/places/1/chat", token("maya"));
  for (const char* frame : {R"({"type":"mark_read"})", R"({"type":"reaction","message_id":1,"reaction":"x"})"}) {
    maya->send(frame);
    EXPECT_EQ(next_json(*maya)["code"], "unknown_type") << frame;
  }
}

// ---- Bad input ---------------------------------------------------------------------------

TEST_F(CirclesTest, EveryBadFrameGetsAnErrorFrameAndTheSocketStaysUsable) {
  auto maya = circles_connect(port(), "/ws/dms/2", token("maya"));
  const std::pair<std::string, std::string> cases[] = {
      {"{not json", "invalid_json"},
      {"[1,2]", "invalid_json"},
      {R"({"type":"launch"})", "unknown_type"},
      {R"({"text":"no type"})", "missing_field"},
      {R"({"type":42})", "invalid_field"},
      {R"({"type":"typing","typing":"yes"})", "invalid_field"},
      {R"({"type":"message"})", "missing_field"},
      {R"({"type":"message","text":""})", "invalid_field"},
      {R"({"type":"reaction","message_id":"a.b","reaction":"x"})", "invalid_id"},
      {R"({"type":"reaction","message_id":">","reaction":"x"})", "invalid_id"},
  };
  for (const auto& [frame, code] : cases) {
    maya->send(frame);
    json j = next_of_type(*maya, "error");
    EXPECT_EQ(j["code"], code) << frame;
    EXPECT_TRUE(j["message"].is_string()) << frame;
    EXPECT_EQ(j.size(), 3u) << j.dump();
  }
  maya->send_binary("\x01\x02");
  EXPECT_EQ(next_of_type(*maya, "error")["code"], "binary_frame");
  maya->send(R"({"type":"ping"})");
  EXPECT_EQ(next_of_type(*maya, "pong")["type"], "pong");
}

TEST_F(CirclesTest, OversizeFrameClosesWith1009) {
  auto maya = circles_connect(port(), "/ws/user/8", token("maya"));
  maya->send(R"({"type":"ping","pad":")" + std::string(10000, 'x') + "\"}");
  EXPECT_EQ(maya->wait_closed(), 1009);
}

}  // namespace
}  // namespace gangway::test
