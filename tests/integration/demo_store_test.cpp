// Every persisted kind of circles, social and winkr stored as
// deploy/gangway.demo.json stores it: request templates on the demo
// backend's REST endpoints, the same endpoints (and credentials) the apps'
// browsers use, which publish the room's event themselves (fan_out
// "backend"). Each stored result reaches each socket exactly once, the
// sender's acknowledgement or echo included; a refusal is the dialect's error
// and nothing is fanned out. "Exactly once": every frame a socket gets is
// counted until a marker, a later message of the same sender stored the same
// way and sent only once every socket has the first copy (two stores in
// flight at once may finish in either order): a second copy the gateway
// published of the first, on its store's answer, would come before it.
#include <gtest/gtest.h>

#include <ctime>
#include <functional>
#include <nlohmann/json.hpp>

#include "tests/integration/circles_stack.hpp"
#include "tests/integration/social_stack.hpp"
#include "tests/integration/winkr_stack.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// One gateway with the three apps, as the demo runs them.
class DemoStoreTest : public SuiteStack<DemoStoreTest> {
 public:
  static json config(const std::string& nats_url, int backend_port) {
    json c = circles_config(nats_url, backend_port, {}, "gw-demo-stores");
    c["apps"].push_back(social_config(nats_url, backend_port)["apps"][0]);
    c["apps"].push_back(winkr_config(nats_url, backend_port, winkr_relaxed_limits())["apps"][0]);
    for (const auto& app : c["apps"]) {
      std::string listen = app["listen"];
      ports_[app["name"]] = std::stoi(listen.substr(listen.rfind(':') + 1));
    }
    return c;
  }

 protected:
  static int app_port(const std::string& app) { return ports_.at(app).get<int>(); }
  static std::string circles_token(const std::string& user) { return CirclesBackend(backend_port()).login(user); }
  static std::string social_cookie(const std::string& user) { return SocialBackend(backend_port()).login(user); }

  inline static json ports_ = json::object();
};

// The frames `c` receives up to and including the first for which `last`
// holds (none: the list ends with an object {"<none>": true}).
std::vector<json> frames_until(WsClient& c, const std::function<bool(const json&)>& last) {
  std::vector<json> frames;
  while (true) {
    auto raw = c.next(10s);
    if (!raw) {
      frames.push_back({{"<none>", true}});
      return frames;
    }
    frames.push_back(json::parse(*raw, nullptr, false));
    if (last(frames.back())) return frames;
  }
}

// How many of `frames` (a vector of frames, or a JSON array) `match`.
template <class Frames>
std::size_t count(const Frames& frames, const std::function<bool(const json&)>& match) {
  std::size_t n = 0;
  for (const json& f : frames) n += f.is_object() && match(f);
  return n;
}

// For each socket, its frames up to the first for which `last` holds, appended to seen[i].
void read_until(const std::vector<WsClient*>& sockets, std::vector<std::vector<json>>& seen,
                const std::function<bool(const json&)>& last) {
  seen.resize(sockets.size());
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    auto frames = frames_until(*sockets[i], last);
    seen[i].insert(seen[i].end(), frames.begin(), frames.end());
  }
}

bool arrived(const std::vector<json>& frames) { return !frames.empty() && !frames.back().contains("<none>"); }

json at(const json& j, const char* pointer) { return j.is_object() ? j.value(json::json_pointer(pointer), json()) : json(); }

// ---- circles (seed 000): POST /api/v1/dms/{thread_id}/messages and /read, bearer token ----

TEST_F(DemoStoreTest, CirclesMessageAndReadAreStoredOnTheThreadsEndpointsAndFannedOutOnce) {
  std::string maya_token = circles_token("maya");
  auto maya = circles_connect(app_port("circles"), "/ws/dms/2", maya_token);
  auto noah = circles_connect(app_port("circles"), "/ws/dms/2", circles_token("noah"));
  ASSERT_TRUE(next_of_type(*maya, "presence").is_object()) << "both sockets are in the thread's room";
  const std::vector<WsClient*> both{maya.get(), noah.get()};
  auto is_text = [](const char* text) { return [text](const json& f) { return at(f, "/message/text") == text; }; };

  std::vector<std::vector<json>> seen;
  maya->send(R"({"type":"message","text":"stored once"})");
  read_until(both, seen, is_text("stored once"));
  maya->send(R"({"type":"message","text":"marker 1"})");
  read_until(both, seen, is_text("marker 1"));
  json stored;
  for (const auto& frames : seen) {
    ASSERT_TRUE(arrived(frames)) << json(frames);
    EXPECT_EQ(count(frames, is_text("stored once")), 1u) << "the sender's echo and the other's copy, once each: "
                                                         << json(frames);
    for (const auto& f : frames)
      if (at(f, "/message/text") == "stored once") stored = f["message"];
  }
  auto [status, history] = CirclesBackend(backend_port()).get(maya_token, "/api/v1/dms/2/messages");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(count(history, [&](const json& m) { return m == stored; }), 1u) << "stored once, as the room saw it";

  auto is_receipt = [](const json& f) { return f["type"] == "read_receipt" && f["user_id"] == 8; };
  seen.clear();
  maya->send(R"({"type":"mark_read"})");
  read_until(both, seen, is_receipt);
  maya->send(R"({"type":"message","text":"marker 2"})");
  read_until(both, seen, is_text("marker 2"));
  for (const auto& frames : seen) {
    ASSERT_TRUE(arrived(frames)) << json(frames);
    EXPECT_EQ(count(frames, is_receipt), 1u) << json(frames);
  }
}

// ---- social (seed 003): POST /api/messages/private and /group, the session cookie ----

TEST_F(DemoStoreTest, SocialPrivateAndGroupAreStoredOnTheMessageEndpointsAndDeliveredOnce) {
  std::string alice_cookie = social_cookie("alice");
  auto alice = social_connect(app_port("social"), alice_cookie, 2);
  auto bob = social_connect(app_port("social"), social_cookie("bob"), 3);
  auto is_content = [](const char* content) { return [content](const json& f) { return f["content"] == content; }; };

  std::vector<std::vector<json>> seen;
  alice->send(R"({"type":"private","to":3,"content":"private once","timestamp":1640995200})");
  read_until({bob.get()}, seen, is_content("private once"));
  alice->send(R"({"type":"private","to":3,"content":"private marker","timestamp":1640995201})");
  read_until({bob.get()}, seen, is_content("private marker"));
  ASSERT_TRUE(arrived(seen[0])) << json(seen[0]);
  EXPECT_EQ(count(seen[0], [](const json& f) {
              return f == json::parse(R"({"type":"private","to":3,"content":"private once","timestamp":1640995200})");
            }),
            1u)
      << json(seen[0]);

  seen.clear();
  alice->send(R"({"type":"group","group_id":"1","content":"group once","timestamp":1640995202})");
  read_until({bob.get()}, seen, is_content("group once"));
  alice->send(R"({"type":"group","group_id":"1","content":"group marker","timestamp":1640995203})");
  read_until({bob.get()}, seen, is_content("group marker"));
  ASSERT_TRUE(arrived(seen[0])) << json(seen[0]);
  EXPECT_EQ(count(seen[0], is_content("group once")), 1u) << json(seen[0]);
  EXPECT_TRUE(social_quiet(*alice)) << "the seed's sender gets no confirmation, and no copy of its group message";

  SocialBackend api(backend_port());
  auto [status, history] = api.get(alice_cookie, "/api/messages/private?user=3");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(count(history, is_content("private once")), 1u) << history;
  auto [group_status, group_history] = api.get(alice_cookie, "/api/messages/group?group=1");
  ASSERT_EQ(group_status, 200);
  EXPECT_EQ(count(group_history, is_content("group once")), 1u) << group_history;
}

// ---- winkr (seed 004): POST …/messages, POST …/messages/{id}/read, DELETE …/messages/{id}, bearer ----

std::unique_ptr<WsClient> winkr_joined(int port, const std::string& token) {
  auto c = winkr_connect(port, token);
  c->send(winkr_frame("conversation:join", {{"conversation_id", "conv-ab"}}));
  EXPECT_TRUE(next_event(*c, "conversation:joined").is_object());
  return c;
}

void winkr_send(WsClient& c, const std::string& content) {
  c.send(winkr_frame("message:send", {{"conversation_id", "conv-ab"}, {"content", content}, {"type", "text"}}));
}

std::function<bool(const json&)> winkr_new(const std::string& content) {
  return [content](const json& f) { return f["event"] == "message:new" && at(f, "/data/message/content") == content; };
}

TEST_F(DemoStoreTest, WinkrMessageReadAndDeleteAreStoredOnTheConversationEndpointsAndFannedOutOnce) {
  std::string alice_token = backend_->login("alice");
  auto alice = winkr_joined(app_port("winkr"), alice_token);
  auto bob = winkr_joined(app_port("winkr"), backend_->login("bob"));
  const std::vector<WsClient*> both{alice.get(), bob.get()};

  std::vector<std::vector<json>> seen;
  winkr_send(*alice, "winkr once");
  read_until(both, seen, winkr_new("winkr once"));
  winkr_send(*alice, "winkr marker 1");
  read_until(both, seen, winkr_new("winkr marker 1"));
  std::string id;
  for (const auto& frames : seen) {
    ASSERT_TRUE(arrived(frames)) << json(frames);
    EXPECT_EQ(count(frames, winkr_new("winkr once")), 1u) << "the sender's message:new is its acknowledgement: "
                                                          << json(frames);
    for (const auto& f : frames)
      if (winkr_new("winkr once")(f)) id = at(f, "/data/message/id");
  }
  ASSERT_FALSE(id.empty());

  auto viewed = [&id](const json& f) { return f["event"] == "message:viewed" && at(f, "/data/message_id") == id; };
  seen.clear();
  bob->send(winkr_frame("message:read", {{"conversation_id", "conv-ab"}, {"message_id", id}}));
  read_until(both, seen, viewed);
  winkr_send(*bob, "winkr marker 2");
  read_until(both, seen, winkr_new("winkr marker 2"));
  for (const auto& frames : seen) {
    ASSERT_TRUE(arrived(frames)) << json(frames);
    EXPECT_EQ(count(frames, viewed), 1u) << json(frames);
  }

  auto deleted = [&id](const json& f) {
    return f["event"] == "message:deleted" && at(f, "/data/message_id") == id && at(f, "/data/deleted_by") == "u-alice";
  };
  seen.clear();
  alice->send(winkr_frame("message:delete", {{"conversation_id", "conv-ab"}, {"message_id", id}}));
  read_until(both, seen, deleted);
  winkr_send(*alice, "winkr marker 3");
  read_until(both, seen, winkr_new("winkr marker 3"));
  for (const auto& frames : seen) {
    ASSERT_TRUE(arrived(frames)) << json(frames);
    EXPECT_EQ(count(frames, deleted), 1u) << json(frames);
  }
  auto [status, history] = backend_call(backend_port(), "GET", "/api/winkr/v1/conversations/conv-ab/messages", alice_token);
  ASSERT_EQ(status, 200);
  EXPECT_EQ(count(history, [&id](const json& m) { return m["id"] == id; }), 0u) << "deleted";
  EXPECT_EQ(count(history, [](const json& m) { return m["content"] == "winkr marker 3"; }), 1u);
}

// ---- refusals: the endpoint's answer is the dialect's error, nothing is fanned out ----

TEST_F(DemoStoreTest, WinkrAnUnknownMessageIsNotFoundAndNothingIsFannedOut) {
  auto alice = winkr_joined(app_port("winkr"), backend_->login("alice"));
  auto bob = winkr_joined(app_port("winkr"), backend_->login("bob"));
  for (const char* event : {"message:read", "message:delete"}) {
    alice->send(winkr_frame(event, {{"conversation_id", "conv-ab"}, {"message_id", "no-such-message"}}));
    json e = next_event(*alice, "error");
    EXPECT_EQ(e["data"]["code"], "NOT_FOUND") << event << ": " << e;  // the endpoint's 404
    EXPECT_EQ(e["data"]["request_event"], event);
  }
  winkr_send(*alice, "refusals marker");
  auto frames = frames_until(*bob, winkr_new("refusals marker"));
  ASSERT_TRUE(arrived(frames)) << json(frames);
  EXPECT_EQ(count(frames, [](const json& f) { return f["event"] == "message:viewed" || f["event"] == "message:deleted"; }),
            0u)
      << json(frames);
}

TEST_F(DemoStoreTest, SocialAnUnknownRecipientIsAStoreFailureAndNobodyHearsOfIt) {
  auto alice = social_connect(app_port("social"), social_cookie("alice"), 2);
  auto bob = social_connect(app_port("social"), social_cookie("bob"), 3);
  alice->send(R"({"type":"private","to":999,"content":"to nobody"})");
  EXPECT_EQ(social_next(*alice),
            json::parse(R"({"type":"error","code":"store_failed","message":"the conversation or message does not exist"})"));
  EXPECT_TRUE(social_quiet(*bob));
}

// The endpoint checks the forwarded token itself, and the gateway lets a
// token live jwt.leeway_s (30 s) past its exp: in that window the store is
// refused (401), which the sender is told as forbidden; nobody sees the
// message. A token that expires closes its socket at exp + leeway anyway
// (docs/dialects.md), so only this window is affected.
TEST_F(DemoStoreTest, ATokenTheServiceNoLongerTakesIsForbiddenAndNothingIsFannedOut) {
  const std::int64_t just_expired = static_cast<std::int64_t>(std::time(nullptr)) - 1;
  auto noah = circles_connect(app_port("circles"), "/ws/dms/2", circles_token("noah"));
  auto maya = circles_connect(app_port("circles"), "/ws/dms/2",
                              mint_token({{"sub", "8"}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", just_expired}}));
  maya->send(R"({"type":"message","text":"after my token"})");
  json error = next_of_type(*maya, "error");
  EXPECT_EQ(error["code"], "forbidden") << error;

  auto bob = winkr_joined(app_port("winkr"), backend_->login("bob"));
  auto alice = winkr_joined(app_port("winkr"),
                            mint_token({{"sub", "u-alice"}, {"iss", "gangway-demo"}, {"aud", "gangway"}, {"exp", just_expired}}));
  winkr_send(*alice, "after my token");
  json e = next_event(*alice, "error");
  EXPECT_EQ(e["data"]["code"], "FORBIDDEN") << e;
  EXPECT_EQ(e["data"]["request_event"], "message:send");

  // Valid senders after them: what came first held no copy of the refused messages.
  auto fresh_maya = circles_connect(app_port("circles"), "/ws/dms/2", circles_token("maya"));
  fresh_maya->send(R"({"type":"message","text":"refused marker"})");
  auto frames = frames_until(*noah, [](const json& f) { return at(f, "/message/text") == "refused marker"; });
  ASSERT_TRUE(arrived(frames)) << json(frames);
  EXPECT_EQ(count(frames, [](const json& f) { return at(f, "/message/text") == "after my token"; }), 0u);
  winkr_send(*bob, "refused marker");
  auto winkr_frames = frames_until(*bob, winkr_new("refused marker"));
  ASSERT_TRUE(arrived(winkr_frames)) << json(winkr_frames);
  EXPECT_EQ(count(winkr_frames, winkr_new("after my token")), 0u);
}

// The service's own bus is down (the demo backend's NATS unreachable, the
// gateway's fine): every endpoint answers 503 and keeps nothing, which each
// sender is told as the dialect's unavailable error; the gateway, whose copy
// fan_out "backend" turns off, publishes nothing either.
TEST(DemoStoreBusDown, AServiceThatCannotPublishStoresNothingAndEachSenderIsTold) {
  NatsServer nats;
  DemoBackend backend("nats://127.0.0.1:" + std::to_string(free_port()));
  json config = circles_config(nats.url(), backend.port(), {}, "gw-demo-bus-down");
  config["apps"].push_back(social_config(nats.url(), backend.port())["apps"][0]);
  config["apps"].push_back(winkr_config(nats.url(), backend.port(), winkr_relaxed_limits())["apps"][0]);
  GatewayProcess gw(config);
  auto port_of = [&config](int app) {
    std::string listen = config["apps"][app]["listen"];
    return std::stoi(listen.substr(listen.rfind(':') + 1));
  };

  CirclesBackend circles(backend.port());
  std::string maya_token = circles.login("maya");
  auto maya = circles_connect(port_of(0), "/ws/dms/2", maya_token);
  auto noah = circles_connect(port_of(0), "/ws/dms/2", circles.login("noah"));
  maya->send(R"({"type":"message","text":"no bus"})");
  EXPECT_EQ(next_of_type(*maya, "error")["code"], "unavailable");
  maya->send(R"({"type":"mark_read"})");
  EXPECT_EQ(next_of_type(*maya, "error")["code"], "unavailable");
  auto [status, history] = circles.get(maya_token, "/api/v1/dms/2/messages");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(count(history, [](const json& m) { return m["text"] == "no bus"; }), 0u) << "nothing kept";

  auto alice = winkr_joined(port_of(2), backend.login("alice"));
  auto bob = winkr_joined(port_of(2), backend.login("bob"));
  winkr_send(*alice, "no bus");
  json e = next_event(*alice, "error");
  EXPECT_EQ(e["data"]["code"], "INTERNAL_ERROR") << e;
  EXPECT_EQ(e["data"]["request_event"], "message:send");

  WsClient social(port_of(1), "/ws",
                  {{"Cookie", SocialBackend(backend.port()).login("alice")}, {"Origin", kSocialOrigin}});
  ASSERT_EQ(social.handshake().http_status, 101);
  social.send(R"({"type":"private","to":3,"content":"no bus"})");
  auto refused = social.next_where("type", "error");
  ASSERT_TRUE(refused);
  EXPECT_EQ(json::parse(*refused)["code"], "unavailable") << *refused;

  EXPECT_FALSE(noah->next_where("type", "message", 500ms).has_value()) << "nothing fanned out";
  EXPECT_TRUE(bob->next_where("event", "message:new", 500ms) == std::nullopt) << "nothing fanned out";
}

}  // namespace
}  // namespace gangway::test
