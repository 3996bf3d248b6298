// The winkr dialect (seed 004) end to end: a real nats-server, the demo
// backend, the gangway binary and real WebSocket clients on free loopback
// ports. One test per row of the seed.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "gateway/bus/nats_bus.hpp"
#include "tests/integration/winkr_stack.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class WinkrTest : public SuiteStack<WinkrTest> {
 public:
  static nlohmann::json config(const std::string& nats_url, int backend_port) {
    return winkr_config(nats_url, backend_port, winkr_relaxed_limits());
  }

 protected:
  static std::unique_ptr<WsClient> connect(const std::string& user) {
    return winkr_connect(port(), token(user));
  }

  static void join(WsClient& c, const std::string& conversation) {
    c.send(winkr_frame("conversation:join", {{"conversation_id", conversation}}));
    json j = next_event(c, "conversation:joined");
    ASSERT_TRUE(j.is_object()) << "no conversation:joined";
    EXPECT_EQ(j["data"]["conversation_id"], conversation);
  }
  // Sends a text message and returns the sender's message:new.
  static json send_text(WsClient& c, const std::string& conversation, const std::string& text) {
    c.send(winkr_frame("message:send",
                       {{"conversation_id", conversation}, {"content", text}, {"type", "text"}}));
    return next_event(c, "message:new");
  }
  static json backend(const std::string& method, const std::string& path, const std::string& user,
                      int want_status = 200) {
    auto [status, body] = backend_call(backend_->port(), method, path, token(user));
    EXPECT_EQ(status, want_status) << method << " " << path << " " << body;
    return body;
  }
};

bool is_timestamp(const json& j) { return j.is_string() && j.get<std::string>().size() >= 20; }

TEST_F(WinkrTest, BearerConnectionIsEstablished) {
  WsClient c(port(), "/ws", {{"Authorization", "Bearer " + token("alice")}});
  ASSERT_EQ(c.handshake().http_status, 101);
  auto f = c.next();
  ASSERT_TRUE(f);
  json j = parse_frame(f);
  EXPECT_EQ(f->find(R"({"event":"connection:established","data":{"user_id":"u-alice","connection_id":")"), 0u)
      << *f;
  EXPECT_TRUE(j["data"]["connection_id"].is_string());
  EXPECT_FALSE(j["data"]["connection_id"].get<std::string>().empty());
  EXPECT_TRUE(is_timestamp(j["data"]["timestamp"]));
  EXPECT_TRUE(is_timestamp(j["timestamp"]));
}

TEST_F(WinkrTest, MissingOrBadBearerIsRefusedWith401) {
  std::int64_t now = std::time(nullptr);
  json expired = {{"sub", "u-alice"}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", now - 3600}};
  for (const WsClient::Headers& h : std::vector<WsClient::Headers>{
           {},
           {{"Authorization", "Bearer "}},
           {{"Authorization", "Bearer garbage"}},
           {{"Authorization", "Basic dXNlcjpwYXNz"}},
           {{"Authorization", "Bearer " + mint_token(expired)}},
           {{"Authorization", "Bearer " + winkr_token("u-alice").substr(1)}},
       }) {
    WsClient c(port(), "/ws", h);
    EXPECT_EQ(c.handshake().http_status, 401) << (h.empty() ? "no header" : h[0].second);
  }
  // The seed carries the token in the header only.
  WsClient query(port(), "/ws?token=" + token("alice"));
  EXPECT_EQ(query.handshake().http_status, 401);
}

TEST_F(WinkrTest, JoinIsCheckedAgainstTheBackend) {
  auto carol = connect("carol");
  // Someone else's conversation is FORBIDDEN; one that does not exist is NOT_FOUND (seed 004's table).
  for (auto [conversation, code] : {std::pair{"conv-ab", "FORBIDDEN"}, std::pair{"conv-nope", "NOT_FOUND"}}) {
    carol->send(winkr_frame("conversation:join", {{"conversation_id", conversation}}));
    json e = next_event(*carol, "error");
    EXPECT_EQ(e["data"]["code"], code) << e;
    EXPECT_EQ(e["data"]["request_event"], "conversation:join");
  }
  join(*carol, "conv-bc");
}

TEST_F(WinkrTest, MessageSendReachesBothParticipantsAsTheStoredMessage) {
  auto alice = connect("alice");
  auto bob = connect("bob");
  join(*alice, "conv-ab");
  join(*bob, "conv-ab");
  alice->send(winkr_frame("message:send", {{"conversation_id", "conv-ab"},
                                           {"content", "Hey! How are you?"},
                                           {"type", "text"},
                                           {"metadata", json::object()}}));
  auto raw = alice->next_where("event", "message:new");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->find(R"({"event":"message:new","data":{"message":{"id":")"), 0u) << *raw;
  json mine = parse_frame(raw);
  json m = mine["data"]["message"];
  std::vector<std::string> keys;
  auto in_order = nlohmann::ordered_json::parse(*raw);
  for (auto& [k, v] : in_order["data"]["message"].items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "conversation_id", "sender_id", "content", "type",
                                            "created_at", "updated_at", "is_read", "metadata"}));
  EXPECT_EQ(m["conversation_id"], "conv-ab");
  EXPECT_EQ(m["sender_id"], "u-alice");
  EXPECT_EQ(m["content"], "Hey! How are you?");
  EXPECT_EQ(m["is_read"], false);
  EXPECT_EQ(mine["data"]["sender"]["username"], "alice");
  EXPECT_TRUE(mine["data"]["sender"].contains("avatar_url"));

  auto got = collect_events(*bob, {"message:new", "conversation:unread"});
  EXPECT_EQ(got["message:new"]["data"], mine["data"]);
  json unread = got["conversation:unread"];
  EXPECT_EQ(unread["data"]["conversation_id"], "conv-ab");
  EXPECT_GE(unread["data"]["unread_count"], 1);
  EXPECT_EQ(unread["data"]["last_message"]["id"], m["id"]);

  json history = backend("GET", "/api/winkr/v1/conversations/conv-ab/messages", "bob");
  ASSERT_TRUE(history.is_array() && !history.empty());
  EXPECT_EQ(history.back()["id"], m["id"]);
}

TEST_F(WinkrTest, ConversationActionsNeedTheConversationJoined) {
  auto alice = connect("alice");
  for (const std::string& frame :
       {winkr_frame("message:send", {{"conversation_id", "conv-ab"}, {"content", "hi"}}),
        winkr_frame("message:read", {{"conversation_id", "conv-ab"}, {"message_id", "m"}}),
        winkr_frame("message:delete", {{"conversation_id", "conv-ab"}, {"message_id", "m"}}),
        winkr_frame("typing:start", {{"conversation_id", "conv-ab"}})}) {
    alice->send(frame);
    json e = next_event(*alice, "error");
    EXPECT_EQ(e["data"]["code"], "FORBIDDEN") << frame;
    EXPECT_EQ(e["data"]["request_event"], json::parse(frame)["event"]);
  }
}

TEST_F(WinkrTest, InvalidMessagesGetTheSeedsErrors) {
  auto alice = connect("alice");
  join(*alice, "conv-ab");
  alice->send(
      winkr_frame("message:send", {{"conversation_id", "conv-ab"}, {"content", ""}, {"type", "text"}}));
  auto raw = alice->next_where("event", "error");
  ASSERT_TRUE(raw);
  EXPECT_EQ(
      raw->find(R"({"event":"error","data":{"code":"VALIDATION_ERROR","message":"Invalid message content",)"
                R"("details":{"field":"content","error":"Message content cannot be empty"},)"
                R"("request_event":"message:send"},"timestamp":")"),
      0u)
      << *raw;

  alice->send(
      winkr_frame("message:send", {{"conversation_id", "conv-ab"}, {"content", "x"}, {"type", "video"}}));
  EXPECT_EQ(next_event(*alice, "error")["data"]["code"], "INVALID_MESSAGE_TYPE");
  alice->send(
      winkr_frame("message:send", {{"conversation_id", "conv-ab"}, {"content", std::string(2001, 'a')}}));
  EXPECT_EQ(next_event(*alice, "error")["data"]["code"], "MESSAGE_TOO_LARGE");

  std::string accents;
  for (int i = 0; i < 2000; ++i) accents += "\xC3\xA9";  // 2,000 characters in 4,000 bytes
  json stored = send_text(*alice, "conv-ab", accents);
  EXPECT_EQ(stored["data"]["message"]["content"], accents);
  for (const char* type : {"photo", "photo_ephemeral", "location", "system", "gift"}) {
    alice->send(
        winkr_frame("message:send", {{"conversation_id", "conv-ab"}, {"content", "x"}, {"type", type}}));
    EXPECT_EQ(next_event(*alice, "message:new")["data"]["message"]["type"], type);
  }
}

TEST_F(WinkrTest, MessageReadIsStoredAndViewedByBoth) {
  auto alice = connect("alice");
  auto bob = connect("bob");
  join(*alice, "conv-ab");
  join(*bob, "conv-ab");
  std::string id = send_text(*alice, "conv-ab", "read me")["data"]["message"]["id"];
  ASSERT_TRUE(next_event(*bob, "message:new").is_object());
  bob->send(winkr_frame("message:read", {{"conversation_id", "conv-ab"}, {"message_id", id}}));
  auto raw = alice->next_where("event", "message:viewed");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->find(R"({"event":"message:viewed","data":{"message_id":")" + id +
                      R"(","conversation_id":"conv-ab","viewed_at":")"),
            0u)
      << *raw;
  // The reader sees the same, and its badge (all its devices) drops to zero.
  auto got = collect_events(*bob, {"message:viewed", "conversation:unread"});
  EXPECT_EQ(got["message:viewed"]["data"], parse_frame(raw)["data"]);
  EXPECT_EQ(got["conversation:unread"]["data"]["unread_count"], 0);
  bool marked = false;
  for (const json& m : backend("GET", "/api/winkr/v1/conversations/conv-ab/messages", "alice"))
    marked |= m["id"] == id && m["is_read"] == true;
  EXPECT_TRUE(marked);
}

TEST_F(WinkrTest, MessageDeleteIsStoredAndAnnounced) {
  auto alice = connect("alice");
  auto bob = connect("bob");
  join(*alice, "conv-ab");
  join(*bob, "conv-ab");
  std::string id = send_text(*alice, "conv-ab", "oops")["data"]["message"]["id"];
  bob->send(winkr_frame("message:delete", {{"conversation_id", "conv-ab"}, {"message_id", id}}));
  for (auto* c : {alice.get(), bob.get()}) {
    json d = next_event(*c, "message:deleted");
    EXPECT_EQ(d["data"]["message_id"], id);
    EXPECT_EQ(d["data"]["conversation_id"], "conv-ab");
    EXPECT_EQ(d["data"]["deleted_by"], "u-bob");  // either participant may delete
    EXPECT_TRUE(is_timestamp(d["data"]["deleted_at"]));
  }
  for (const json& m : backend("GET", "/api/winkr/v1/conversations/conv-ab/messages", "alice"))
    EXPECT_NE(m["id"], id);
  // A message that is gone cannot be deleted again, or read: NOT_FOUND, never a fake success.
  for (const char* event : {"message:delete", "message:read"}) {
    bob->send(winkr_frame(event, {{"conversation_id", "conv-ab"}, {"message_id", id}}));
    json e = next_event(*bob, "error");
    EXPECT_EQ(e["data"]["code"], "NOT_FOUND") << e;
    EXPECT_EQ(e["data"]["request_event"], event);
  }
  EXPECT_TRUE(alice->silent_for(300ms));
}

TEST_F(WinkrTest, TypingIndicatorGoesToTheOtherUserOnly) {
  auto alice = connect("alice");
  auto bob = connect("bob");
  join(*alice, "conv-ab");
  join(*bob, "conv-ab");
  next_event(*alice, "user:online", 500ms);  // bob's arrival, if announced
  for (bool start : {true, false}) {
    alice->send(winkr_frame(start ? "typing:start" : "typing:stop", {{"conversation_id", "conv-ab"}}));
    auto raw = bob->next_where("event", "typing:indicator");
    ASSERT_TRUE(raw);
    EXPECT_EQ(
        raw->find(R"({"event":"typing:indicator","data":{"conversation_id":"conv-ab","user_id":"u-alice",)"
                  R"("username":"alice","is_typing":)" +
                  std::string(start ? "true" : "false") + R"(,"timestamp":")"),
        0u)
        << *raw;
  }
  EXPECT_TRUE(alice->silent_for(300ms)) << "the typist gets no indicator";
}

TEST_F(WinkrTest, PresenceOnlineOnFirstJoinOfflineOnLastClose) {
  auto alice = connect("alice");
  join(*alice, "conv-ab");
  auto bob = connect("bob");
  join(*bob, "conv-ab");
  json online = next_event(*alice, "user:online");
  EXPECT_EQ(online["data"]["user_id"], "u-bob");
  EXPECT_EQ(online["data"]["username"], "bob");
  EXPECT_TRUE(is_timestamp(online["data"]["online_at"]));

  auto bob_phone = connect("bob");
  join(*bob_phone, "conv-ab");
  EXPECT_FALSE(alice->next_where("event", "user:online", 500ms)) << "bob was already online there";
  bob->close();
  EXPECT_FALSE(alice->next_where("event", "user:offline", 500ms)) << "bob still has a socket there";
  bob_phone->close();
  json offline = next_event(*alice, "user:offline");
  EXPECT_EQ(offline["data"]["user_id"], "u-bob");
  EXPECT_EQ(offline["data"]["username"], "bob");
  EXPECT_TRUE(is_timestamp(offline["data"]["offline_at"]));
}

TEST_F(WinkrTest, LeaveAnswersConversationLeftAndStopsUpdates) {
  auto alice = connect("alice");
  auto bob = connect("bob");
  join(*alice, "conv-ab");
  join(*bob, "conv-ab");
  bob->send(winkr_frame("conversation:leave", {{"conversation_id", "conv-ab"}}));
  auto raw = bob->next_where("event", "conversation:left");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->find(R"({"event":"conversation:left","data":{"conversation_id":"conv-ab","left_at":")"), 0u);
  send_text(*alice, "conv-ab", "anyone?");
  EXPECT_FALSE(bob->next_where("event", "message:new", 500ms));
}

TEST_F(WinkrTest, UserStatusIsPublishedForBackends) {
  std::string error;
  auto bus = bus::NatsBus::create({nats_->url()}, &error);
  ASSERT_TRUE(bus) << error;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> seen;
  auto sub = bus->subscribe("gw.in.winkr.presence.user.u-carol", [&](bus::Message&& m) {
    std::lock_guard lock(mu);
    seen.push_back(m.data);
    cv.notify_all();
  });
  auto carol = connect("carol");
  carol->send(winkr_frame("user:status", {{"status", "away"}}));
  json updated = next_event(*carol, "user:status_updated");
  EXPECT_EQ(updated["data"]["status"], "away");
  EXPECT_EQ(updated["data"]["user_id"], "u-carol");
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !seen.empty(); }));
  json envelope = json::parse(seen[0]);
  EXPECT_EQ(envelope["app"], "winkr");
  EXPECT_EQ(envelope["kind"], "presence");
  EXPECT_EQ(envelope["user"]["id"], "u-carol");
  EXPECT_EQ(envelope["data"]["status"], "away");
}

TEST_F(WinkrTest, RestPublishesDeliveredAndUnreadToTheUser) {
  auto alice = connect("alice");
  auto bob = connect("bob");  // never joins: these go to the user room
  join(*alice, "conv-ab");
  std::string id = send_text(*alice, "conv-ab", "did you get it?")["data"]["message"]["id"];
  json delivered =
      backend("POST", "/api/winkr/v1/conversations/conv-ab/messages/" + id + "/delivered", "bob");
  auto raw = alice->next_where("event", "message:delivered");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->find(R"({"event":"message:delivered","data":{"message_id":")" + id +
                      R"(","conversation_id":"conv-ab","delivered_at":")"),
            0u)
      << *raw;
  EXPECT_EQ(parse_frame(raw)["data"], delivered);
  backend("POST", "/api/winkr/v1/conversations/conv-ab/messages/" + id + "/delivered", "alice", 422);

  json unread = backend("POST", "/api/winkr/v1/conversations/conv-ab/unread", "bob");
  json pushed;
  for (int i = 0; i < 5; ++i) {  // the send above published one too
    pushed = next_event(*bob, "conversation:unread");
    if (pushed["data"] == unread || !pushed.is_object()) break;
  }
  EXPECT_EQ(pushed["data"], unread);
  EXPECT_EQ(unread["last_message"]["id"], id);
  backend("POST", "/api/winkr/v1/conversations/conv-ab/unread", "carol", 403);
}

TEST_F(WinkrTest, BadFramesGetErrorsAndTheSocketStaysUsable) {
  auto alice = connect("alice");
  const std::pair<std::string, std::string> cases[] = {
      {"{not json", "VALIDATION_ERROR"},
      {"[1]", "VALIDATION_ERROR"},
      {R"({"event":"match:like","data":{}})", "VALIDATION_ERROR"},
      {R"({"data":{}})", "VALIDATION_ERROR"},
      {R"({"event":"user:status"})", "VALIDATION_ERROR"},
      {R"({"event":"user:status","data":{"status":"busy"}})", "VALIDATION_ERROR"},
      {R"({"event":"conversation:join","data":{"conversation_id":"a.b"}})", "VALIDATION_ERROR"},
      {R"({"event":"conversation:join","data":{"conversation_id":">"}})", "VALIDATION_ERROR"},
  };
  for (const auto& [frame, code] : cases) {
    alice->send(frame);
    json e = parse_frame(alice->next());
    EXPECT_EQ(e["event"], "error") << frame;
    EXPECT_EQ(e["data"]["code"], code) << frame;
  }
  alice->send_binary("\x01\x02");
  EXPECT_EQ(parse_frame(alice->next())["data"]["code"], "VALIDATION_ERROR");
  alice->send(winkr_frame("user:status", {{"status", "online"}}));
  EXPECT_EQ(parse_frame(alice->next())["event"], "user:status_updated");
}

}  // namespace
}  // namespace gangway::test
