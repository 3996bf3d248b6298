// Persisted kinds stored on a REST service's own endpoints (request
// templates), end to end: a real gateway, nats-server and HTTP backend
// (tests/support TestBackend, which records every request). Each test shows
// the exact request the endpoint received and the exact frames the clients
// received; every store failure is the dialect's error with nothing fanned out.
#include <gtest/gtest.h>

#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "tests/integration/stack.hpp"
#include "tests/support/test_backend.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// One gateway with one app in front of a TestBackend.
struct RestStack {
  explicit RestStack(json app) {
    app["listen"] = "127.0.0.1:" + std::to_string(free_port());
    app["backend"] = {{"url", backend.url()}, {"threads", 2}};
    gateway = std::make_unique<GatewayProcess>(json{{"gateway_id", "gw-rest"},
                                                    {"threads", 2},
                                                    {"nats", {{"url", nats.url()}}},
                                                    {"admin", {{"listen", "127.0.0.1:" + std::to_string(free_port())}}},
                                                    {"apps", {app}}});
  }
  int port() const { return gateway->port(); }
  // The requests to `path` (decoded), in order.
  std::vector<SeenRequest> requests_to(const std::string& path) {
    std::vector<SeenRequest> out;
    for (auto& r : backend.requests())
      if (r.path == path) out.push_back(std::move(r));
    return out;
  }

  NatsServer nats;
  TestBackend backend;
  std::unique_ptr<GatewayProcess> gateway;
};

json jwt_section() { return {{"keys", {{{"alg", "HS256"}, {"secret", kSecret}}}}}; }

std::string token_for(json claims) {
  claims["exp"] = static_cast<std::int64_t>(std::time(nullptr)) + 600;
  return mint_token(claims);
}

// The next frame as JSON; its gateway-made "timestamp" (checked present) removed, so the rest compares exactly.
json next_frame(WsClient& c, const std::string& key, const std::string& value) {
  auto raw = c.next_where(key, value, 10s);
  if (!raw) return {{key, "<none>"}};
  json j = json::parse(*raw);
  EXPECT_TRUE(j.contains("timestamp")) << *raw;
  j.erase("timestamp");
  return j;
}

// ---- circles (seed 000): POST /api/dms/threads/{thread_id}/messages {"text": …} ----

json circles_app() {
  return {{"name", "circles"},
          {"dialect", "circles"},
          {"routes", {"/ws/dms/{thread_id}", "/ws/user/{user_id}", "/ws/places/{place_id}/chat"}},
          {"jwt", jwt_section()},
          {"callouts",
           {{"dm_access", {{"path", "/access/dms/{thread_id}/{user_id}"}}},
            {"place_checkin", {{"path", "/access/places/{place_id}/{user_id}"}}},
            {"store_message",
             {{"method", "POST"},
              {"path", "/api/dms/threads/{route:thread_id}/messages"},
              {"forward", {"bearer"}},
              {"body", {{"text", "{frame:/text}"}}}}},
            {"store_read",
             {{"method", "POST"}, {"path", "/api/dms/threads/{route:thread_id}/read"}, {"forward", {"bearer"}}, {"body", nullptr}}}}},
          {"persist",
           {{"message", {{"via", "http"}, {"callout", "store_message"}}},
            {"read", {{"via", "http"}, {"callout", "store_read"}}}}},
          // seed 000's sender_info: the name from the token, the avatar from its "picture" claim.
          {"sender", {{"claims", {{"avatar_url", "picture"}}}}}};
}

std::unique_ptr<WsClient> circles_dm(int port, const std::string& token) {
  auto c = std::make_unique<WsClient>(port, "/ws/dms/2?token=" + token);
  EXPECT_EQ(c->handshake().http_status, 101);
  EXPECT_TRUE(c->next_where("type", "thread_info", 10s).has_value());
  return c;
}

TEST(RestStore, CirclesMessageAndReadArePostedToTheThreadsOwnEndpoints) {
  RestStack s(circles_app());
  // The endpoint answers the message as its REST clients see it, without sender_info.
  s.backend.answer("/api/dms/threads/2/messages", 201,
                   R"({"id":35,"thread_id":2,"sender_id":8,"text":"Hello there","created_at":"2025-01-05T10:00:00Z"})");
  s.backend.answer("/api/dms/threads/2/read", 200, R"({"user_id":8,"last_read_at":"2025-01-05T10:01:00Z"})");
  std::string maya_token = token_for({{"sub", "8"}, {"name", "Maya"}, {"picture", "https://cdn.example/8.png"}});
  auto maya = circles_dm(s.port(), maya_token);
  auto noah = circles_dm(s.port(), token_for({{"sub", "6"}, {"name", "Noah"}}));
  ASSERT_TRUE(maya->next_where("type", "presence", 10s)) << "both sockets are in the thread's room";

  maya->send(R"({ "type": "message", "text": "Hello there" })");
  const json message = json::parse(R"({"type":"message","message":{"id":35,"thread_id":2,"sender_id":8,
      "text":"Hello there","created_at":"2025-01-05T10:00:00Z",
      "sender_info":{"id":8,"name":"Maya","avatar_url":"https://cdn.example/8.png"}}})");
  EXPECT_EQ(next_frame(*maya, "type", "message"), message);
  EXPECT_EQ(next_frame(*noah, "type", "message"), message);
  auto posted = s.requests_to("/api/dms/threads/2/messages");
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_EQ(posted[0].method, "POST");
  EXPECT_EQ(posted[0].target, "/api/dms/threads/2/messages");
  EXPECT_EQ(posted[0].body, R"({"text":"Hello there"})") << "the endpoint's own body, not the gw.in envelope";
  EXPECT_EQ(posted[0].header("Authorization"), "Bearer " + maya_token);

  maya->send(R"({ "type": "mark_read" })");
  const json receipt = {{"type", "read_receipt"}, {"user_id", 8}, {"last_read_at", "2025-01-05T10:01:00Z"}};
  EXPECT_EQ(next_frame(*noah, "type", "read_receipt"), receipt);
  auto read = s.requests_to("/api/dms/threads/2/read");
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].method, "POST");
  EXPECT_EQ(read[0].body, "") << "\"body\": null sends none";
}

// ---- winkr (seed 004): the conversation id from the frame, DELETE for a delete ----

json winkr_app() {
  return {{"name", "winkr"},
          {"dialect", "winkr"},
          {"routes", {"/ws"}},
          {"jwt", jwt_section()},
          {"callouts",
           {{"conversation_access", {{"path", "/access/conversations/{conversation_id}/{user_id}"}}},
            {"store_message",
             {{"method", "POST"},
              {"path", "/api/conversations/{frame:/data/conversation_id}/messages"},
              {"forward", {"bearer"}},
              {"timeout_ms", 1000},
              {"body",
               {{"content", "{frame:/data/content}"}, {"type", "{frame:/data/type?}"}, {"metadata", "{frame:/data/metadata?}"}}},
              {"response_pointer", "/message"}}},
            {"store_read",
             {{"method", "POST"},
              {"path", "/api/conversations/{frame:/data/conversation_id}/messages/{frame:/data/message_id}/read"}}},
            {"store_delete",
             {{"method", "DELETE"},
              {"path", "/api/conversations/{frame:/data/conversation_id}/messages/{frame:/data/message_id}"}}},
            {"profile", {{"path", "/api/users/{user:id}/profile"}, {"cache_ttl_ms", 60000}}}}},
          {"persist",
           {{"message", {{"via", "http"}, {"callout", "store_message"}, {"into", "/message"}}},
            {"read", {{"via", "http"}, {"callout", "store_read"}}},
            {"delete", {{"via", "http"}, {"callout", "store_delete"}}}}},
          // seed 004's sender.avatar_url from a profile callout (cached).
          {"sender", {{"callout", "profile"}, {"pointers", {{"avatar_url", "/avatar_url"}, {"username", "/username"}}}}}};
}

std::unique_ptr<WsClient> winkr_joined(int port, const std::string& user) {
  auto c = std::make_unique<WsClient>(port, "/ws", WsClient::Headers{{"Authorization", "Bearer " + token_for({{"sub", user}})}});
  EXPECT_EQ(c->handshake().http_status, 101);
  EXPECT_TRUE(c->next_where("event", "connection:established", 10s).has_value());
  c->send(R"({"event":"conversation:join","data":{"conversation_id":"conv-1"}})");
  EXPECT_TRUE(c->next_where("event", "conversation:joined", 10s).has_value());
  return c;
}

const char* kStored = R"({"message":{"id":"msg-1","conversation_id":"conv-1","sender_id":"u-2","content":"Hey!",
    "type":"text","created_at":"2025-01-01T12:00:00Z","updated_at":"2025-01-01T12:00:00Z","is_read":false,"metadata":{}}})";

TEST(RestStore, WinkrMessageReadAndDeleteUseTheConversationFromTheFrame) {
  RestStack s(winkr_app());
  s.backend.answer("/api/conversations/conv-1/messages", 201, kStored);
  s.backend.answer("/api/users/u-2/profile", 200, R"({"username":"jane_doe","avatar_url":"https://example.com/avatar.jpg"})");
  s.backend.answer("/api/conversations/conv-1/messages/msg-1/read", 200,
                   R"({"message_id":"msg-1","conversation_id":"conv-1","viewed_at":"2025-01-01T12:00:10Z"})");
  s.backend.answer("/api/conversations/conv-1/messages/msg-1", 204, "");
  auto jane = winkr_joined(s.port(), "u-2");
  auto john = winkr_joined(s.port(), "u-1");

  jane->send(R"({"event":"message:send","data":{"conversation_id":"conv-1","content":"Hey!","type":"text","metadata":{}}})");
  json want = {{"event", "message:new"}, {"data", json::parse(kStored)}};
  want["data"]["sender"] = {{"id", "u-2"}, {"username", "jane_doe"}, {"avatar_url", "https://example.com/avatar.jpg"}};
  EXPECT_EQ(next_frame(*john, "event", "message:new"), want);
  EXPECT_EQ(next_frame(*jane, "event", "message:new"), want);
  auto posted = s.requests_to("/api/conversations/conv-1/messages");
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_EQ(posted[0].method, "POST");
  EXPECT_EQ(json::parse(posted[0].body), json::parse(R"({"content":"Hey!","type":"text","metadata":{}})"));
  EXPECT_EQ(s.requests_to("/api/users/u-2/profile").size(), 1u);

  // A second message: the profile comes from the callout cache.
  jane->send(R"({"event":"message:send","data":{"conversation_id":"conv-1","content":"Hey!"}})");
  EXPECT_EQ(next_frame(*john, "event", "message:new")["data"]["sender"]["avatar_url"], "https://example.com/avatar.jpg");
  EXPECT_EQ(json::parse(s.requests_to("/api/conversations/conv-1/messages").back().body), (json{{"content", "Hey!"}}))
      << "the absent optional type and metadata are dropped";
  EXPECT_EQ(s.requests_to("/api/users/u-2/profile").size(), 1u) << "cached";

  john->send(R"({"event":"message:read","data":{"conversation_id":"conv-1","message_id":"msg-1"}})");
  EXPECT_EQ(next_frame(*jane, "event", "message:viewed"),
            json::parse(R"({"event":"message:viewed","data":{"message_id":"msg-1","conversation_id":"conv-1",
                "viewed_at":"2025-01-01T12:00:10Z"}})"));
  auto read = s.requests_to("/api/conversations/conv-1/messages/msg-1/read");
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].method, "POST");

  jane->send(R"({"event":"message:delete","data":{"conversation_id":"conv-1","message_id":"msg-1"}})");
  json deleted = next_frame(*john, "event", "message:deleted");
  EXPECT_EQ(deleted["data"]["message_id"], "msg-1") << deleted;
  EXPECT_EQ(deleted["data"]["conversation_id"], "conv-1");
  EXPECT_EQ(deleted["data"]["deleted_by"], "u-2");
  EXPECT_TRUE(deleted["data"]["deleted_at"].is_string());
  auto removed = s.requests_to("/api/conversations/conv-1/messages/msg-1");
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].method, "DELETE");
  EXPECT_EQ(removed[0].target, "/api/conversations/conv-1/messages/msg-1");
  EXPECT_EQ(removed[0].body, "");
}

TEST(RestStore, WinkrStoreFailuresAreTheDialectsErrorsAndNothingIsFannedOut) {
  RestStack s(winkr_app());
  s.backend.answer("/api/users/u-2/profile", 200, R"({"username":"jane_doe"})");
  auto jane = winkr_joined(s.port(), "u-2");
  auto john = winkr_joined(s.port(), "u-1");
  const std::pair<int, std::string> cases[] = {
      {400, "VALIDATION_ERROR"}, {403, "FORBIDDEN"}, {404, "NOT_FOUND"}, {500, "INTERNAL_ERROR"}, {0, "INTERNAL_ERROR"}};
  for (const auto& [status, code] : cases) {
    // status 0: the endpoint does not answer within the callout's 1 s.
    s.backend.answer("/api/conversations/conv-1/messages", status, R"({"error":"no"})");
    jane->send(R"({"event":"message:send","data":{"conversation_id":"conv-1","content":"lost?"}})");
    json error = next_frame(*jane, "event", "error");
    EXPECT_EQ(error["data"]["code"], code) << status << ": " << error;
    EXPECT_EQ(error["data"]["request_event"], "message:send") << status;
  }
  s.backend.release();
  jane->send(R"({"event":"typing:start","data":{"conversation_id":"conv-1"}})");
  // Everything john was sent before the typing indicator: no message:new among it.
  for (;;) {
    auto frame = john->next(10s);
    ASSERT_TRUE(frame) << "the typing indicator never came";
    std::string event = json::parse(*frame).value("event", "");
    ASSERT_NE(event, "message:new") << *frame;
    if (event == "typing:indicator") break;
  }
}

TEST(RestStore, WinkrAFrameValueThatIsNoIdNeverReachesThePath) {
  RestStack s(winkr_app());
  auto jane = winkr_joined(s.port(), "u-2");
  auto before = s.backend.request_count();
  jane->send(R"({"event":"message:delete","data":{"conversation_id":"conv-1","message_id":"..%2Fadmin"}})");
  json error = next_frame(*jane, "event", "error");
  EXPECT_EQ(error["data"]["code"], "VALIDATION_ERROR") << error;
  EXPECT_EQ(s.backend.request_count(), before) << "nothing was sent";
}

// ---- social (seed 003): POST /api/messages/private {"to","content","timestamp"} ----

json social_app() {
  return {{"name", "social"},
          {"dialect", "social"},
          {"routes", {"/ws"}},
          {"allowed_origins", {"https://social.example"}},
          {"session", {{"cookie", "session_id"}, {"callout", "session"}, {"user_pointer", "/user_id"}}},
          {"callouts",
           {{"session", {{"path", "/session"}, {"forward", {"cookie"}}}},
            // The service's own list: {"groups": [{"id": …}, …]}.
            {"user_groups", {{"path", "/api/users/{user_id}/groups"}, {"list_pointer", "/groups"}, {"id_pointer", "/id"}}},
            {"group_member", {{"path", "/access/groups/{group_id}/{user_id}"}}},
            {"store_private",
             {{"method", "POST"},
              {"path", "/api/messages/private"},
              {"forward", {"cookie"}},
              {"body", {{"to", "{frame:/to}"}, {"content", "{frame:/content}"}, {"timestamp", "{data:/timestamp}"}}}}},
            {"store_group",
             {{"method", "POST"},
              {"path", "/api/messages/group"},
              {"forward", {"cookie"}},
              {"body", {{"group_id", "{data:/group_id}"}, {"content", "{frame:/content}"}, {"timestamp", "{data:/timestamp}"}}}}}}},
          {"persist",
           {{"private", {{"via", "http"}, {"callout", "store_private"}}},
            {"group", {{"via", "http"}, {"callout", "store_group"}}}}}};
}

std::unique_ptr<WsClient> social_socket(int port, int user) {
  auto c = std::make_unique<WsClient>(
      port, "/ws", WsClient::Headers{{"Cookie", "session_id=" + std::to_string(user)}, {"Origin", "https://social.example"}});
  EXPECT_EQ(c->handshake().http_status, 101);
  // Once its own private message is back, the socket's rooms are live.
  c->send(json{{"type", "private"}, {"to", user}, {"content", "sync"}, {"timestamp", 1}}.dump());
  EXPECT_TRUE(c->next_where("content", "sync", 10s).has_value());
  return c;
}

TEST(RestStore, SocialPrivateAndGroupArePostedAsTheServiceTakesThem) {
  RestStack s(social_app());
  s.backend.answer("/api/messages/private", 201, "");
  s.backend.answer("/api/messages/group", 201, "");
  s.backend.answer("/api/users/3/groups", 200, R"({"groups":[{"id":1,"name":"Developers"}]})");
  auto alice = social_socket(s.port(), 2);
  auto bob = social_socket(s.port(), 3);

  alice->send(R"({"type":"private","to":3,"content":"Hello there!","timestamp":1640995200})");
  EXPECT_EQ(bob->next_where("content", "Hello there!", 10s),
            R"({"type":"private","to":3,"content":"Hello there!","timestamp":1640995200})");
  auto posted = s.requests_to("/api/messages/private");
  ASSERT_EQ(posted.size(), 3u) << "the two sync messages and this one";
  EXPECT_EQ(posted[2].method, "POST");
  EXPECT_EQ(posted[2].body, R"({"content":"Hello there!","timestamp":1640995200,"to":3})");
  EXPECT_EQ(posted[2].header("Cookie"), "session_id=2") << "the sender's own session";

  // bob is in group 1 through the list at /groups/*/id.
  alice->send(R"({"type":"group","group_id":"1","content":"Hello everyone!","timestamp":1640995201})");
  EXPECT_EQ(bob->next_where("content", "Hello everyone!", 10s),
            R"({"type":"group","group_id":"1","content":"Hello everyone!","timestamp":1640995201})");
  auto group = s.requests_to("/api/messages/group");
  ASSERT_EQ(group.size(), 1u);
  EXPECT_EQ(group[0].body, R"({"content":"Hello everyone!","group_id":"1","timestamp":1640995201})");
}

TEST(RestStore, SocialAStoreThatRefusesIsAnErrorAndTheRecipientHearsNothing) {
  RestStack s(social_app());
  s.backend.answer("/api/messages/private", 201, "");
  auto alice = social_socket(s.port(), 2);
  auto bob = social_socket(s.port(), 3);
  s.backend.answer("/api/messages/private", 400, R"({"error":"bad"})");
  alice->send(R"({"type":"private","to":3,"content":"refused","timestamp":5})");
  auto error = alice->next(10s);
  ASSERT_TRUE(error);
  EXPECT_EQ(json::parse(*error)["type"], "error") << *error;
  s.backend.answer("/api/messages/private", 201, "");
  alice->send(R"({"type":"private","to":3,"content":"accepted","timestamp":6})");
  auto next = bob->next(10s);
  ASSERT_TRUE(next);
  EXPECT_EQ(json::parse(*next)["content"], "accepted") << "the refused one never came before it: " << *next;
}

}  // namespace
}  // namespace gangway::test
