// Stores mapped onto a REST service's own endpoints (request templates): the
// frame's fields, the route, the user and the kept claims fill the method,
// path and body; the endpoint's answer is mapped into the fanned-out event;
// the sender fields the gateway builds itself come from the claims or a
// profile callout.
#include <gtest/gtest.h>

#include "tests/session/session_harness.hpp"

namespace gangway::test {
namespace session_template_test {  // its own: the unity build compiles it with other test files
namespace {

using nlohmann::json;

// A winkr app whose stores are the REST endpoints of a conversation service.
json winkr_rest(json sender = nullptr) {
  json app = {{"name", "winkr"},
              {"dialect", "winkr"},
              {"routes", {"/ws"}},
              {"token_sources", {"query:token"}},
              {"jwt", {{"keys", {{{"alg", "HS256"}, {"secret", SessionHarness::kSecret}}}}}},
              {"callouts",
               {{"conversation_access", {{"path", "/access/{conversation_id}/{user_id}"}}},
                {"store_message",
                 {{"method", "POST"},
                  {"path", "/api/conversations/{frame:/data/conversation_id}/messages"},
                  {"forward", {"bearer"}},
                  {"body",
                   {{"content", "{frame:/data/content}"}, {"type", "{data:/type}"}, {"metadata", "{frame:/data/metadata?}"}}},
                  {"response_pointer", "/message"}}},
                {"store_read",
                 {{"method", "POST"},
                  {"path", "/api/conversations/{data:/conversation_id}/messages/{data:/message_id}/read"},
                  {"body", nullptr}}},
                {"store_delete",
                 {{"method", "DELETE"}, {"path", "/api/conversations/{data:/conversation_id}/messages/{data:/message_id}"}}},
                {"profile", {{"path", "/profiles/{user:id}"}, {"cache_ttl_ms", 60000}}}}},
              {"persist",
               {{"message", {{"via", "http"}, {"callout", "store_message"}, {"into", "/message"}}},
                {"read", {{"via", "http"}, {"callout", "store_read"}}},
                {"delete", {{"via", "http"}, {"callout", "store_delete"}}}}}};
  if (!sender.is_null()) app["sender"] = std::move(sender);
  return app;
}

json frame(const std::string& text) { return json::parse(text); }

// Requests that reached the backend other than the conversation_access checks.
std::size_t store_requests(SessionHarness& h) {
  std::size_t n = 0;
  for (const auto& r : h.backend.requests()) n += r.path.rfind("/access/", 0) != 0;
  return n;
}

// A socket of u-1 (with `claims` in its token) joined to conv-1.
std::shared_ptr<RecordingPeer> joined(SessionHarness& h, const json& claims = json::object()) {
  auto peer = h.upgrade("/ws?token=" + SessionHarness::token("u-1", claims));
  EXPECT_TRUE(peer->session.is_open());
  EXPECT_TRUE(h.say(*peer, R"({"event":"conversation:join","data":{"conversation_id":"conv-1"}})"));
  return peer;
}

const std::string kSend =
    R"({"event":"message:send","data":{"conversation_id":"conv-1","content":"hello","type":"text"}})";

TEST(SessionTemplates, AMessageIsPostedToTheRestEndpointAsItsOwnBodyAndItsAnswerFannedOut) {
  SessionHarness h(winkr_rest({{"claims", {{"avatar_url", "picture"}}}}));
  h.backend.answer("/api/conversations/conv-1/messages", 201,
                   R"({"message":{"id":"m-1","conversation_id":"conv-1","sender_id":"u-1","content":"hello",
                        "type":"text","created_at":"2025-01-01T12:00:00Z","is_read":false,"metadata":{}}})");
  auto peer = joined(h, {{"username", "maya"}, {"picture", "https://cdn.example/u-1.png"}});
  auto in = h.watch("gw.in.winkr.message.conversation.conv-1");
  ASSERT_TRUE(h.say(*peer, kSend));
  json got = frame(peer->frames.back());
  ASSERT_EQ(got["event"], "message:new") << got;
  EXPECT_EQ(got["data"]["message"]["id"], "m-1") << "the endpoint's stored message";
  EXPECT_EQ(got["data"]["message"]["updated_at"], "2025-01-01T12:00:00Z");
  EXPECT_EQ(got["data"]["sender"], (json{{"id", "u-1"}, {"username", "maya"}, {"avatar_url", "https://cdn.example/u-1.png"}}))
      << "the sender the dialect built, its avatar from the claim the app names";

  auto posted = h.backend.requests().back();
  EXPECT_EQ(posted.method, "POST");
  EXPECT_EQ(posted.target, "/api/conversations/conv-1/messages");
  EXPECT_EQ(json::parse(posted.body), (json{{"content", "hello"}, {"type", "text"}}))
      << "the endpoint's own body: no envelope, the absent optional metadata dropped";
  EXPECT_EQ(posted.header("Authorization").rfind("Bearer ", 0), 0u) << "the client's own token, forwarded";
  ASSERT_TRUE(h.wait_for(in, 1)) << "other systems still see the accepted frame on gw.in";
}

TEST(SessionTemplates, ReadAndDeleteUseTheirOwnMethodsAndA204KeepsTheEventAsBuilt) {
  SessionHarness h(winkr_rest());
  h.backend.answer("/api/conversations/conv-1/messages/m-9/read", 200,
                   R"({"message_id":"m-9","conversation_id":"conv-1","viewed_at":"2025-01-01T12:00:10Z"})");
  h.backend.answer("/api/conversations/conv-1/messages/m-9", 204, "");
  auto peer = joined(h);
  ASSERT_TRUE(h.say(*peer, R"({"event":"message:read","data":{"conversation_id":"conv-1","message_id":"m-9"}})"));
  json viewed = frame(peer->frames.back());
  EXPECT_EQ(viewed["event"], "message:viewed");
  EXPECT_EQ(viewed["data"]["viewed_at"], "2025-01-01T12:00:10Z");
  EXPECT_EQ(h.backend.requests().back().body, "") << "\"body\": null sends none";

  ASSERT_TRUE(h.say(*peer, R"({"event":"message:delete","data":{"conversation_id":"conv-1","message_id":"m-9"}})"));
  json deleted = frame(peer->frames.back());
  EXPECT_EQ(deleted["event"], "message:deleted") << deleted;
  EXPECT_EQ(deleted["data"]["message_id"], "m-9");
  EXPECT_EQ(deleted["data"]["deleted_by"], "u-1") << "the event as the dialect built it";
  EXPECT_EQ(h.backend.requests().back().method, "DELETE");
  EXPECT_EQ(h.backend.requests().back().target, "/api/conversations/conv-1/messages/m-9");
}

TEST(SessionTemplates, AFrameValueThatCannotGoInThePathIsRefusedAndNothingIsSent) {
  json app = winkr_rest();
  app["callouts"]["store_message"]["path"] = "/api/notes/{frame:/data/content}";
  SessionHarness h(app);
  auto peer = joined(h);
  auto out = h.watch("gw.out.winkr.conversation.conv-1");
  ASSERT_TRUE(h.say(*peer, R"({"event":"message:send","data":{"conversation_id":"conv-1","content":"../admin"}})"));
  json got = frame(peer->frames.back());
  EXPECT_EQ(got["event"], "error");
  EXPECT_EQ(got["data"]["code"], "VALIDATION_ERROR") << got;
  EXPECT_EQ(got["data"]["request_event"], "message:send");
  EXPECT_EQ(store_requests(h), 0u) << "the access check only: the store was never asked";
  h.loop.run_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(out->empty());
}

TEST(SessionTemplates, AFrameFieldTheTemplateNeedsButTheFrameLacksIsRefused) {
  json app = winkr_rest();
  app["callouts"]["store_message"]["body"] = {{"content", "{frame:/data/content}"}, {"tag", "{frame:/data/tag}"}};
  SessionHarness h(app);
  auto peer = joined(h);
  ASSERT_TRUE(h.say(*peer, kSend));
  json got = frame(peer->frames.back());
  EXPECT_EQ(got["data"]["code"], "VALIDATION_ERROR") << got;
  EXPECT_NE(got["data"]["message"].get<std::string>().find("Invalid"), std::string::npos) << got;
  EXPECT_EQ(store_requests(h), 0u);
}

TEST(SessionTemplates, OnlyTheClaimsTheTemplatesNameAreKept) {
  SessionHarness named(winkr_rest({{"claims", {{"avatar_url", "picture"}}}}));
  auto peer = named.upgrade("/ws?token=" + SessionHarness::token("u-1", {{"picture", "p.png"}, {"secret", "s"}}));
  EXPECT_EQ(peer->session.info().claims, (Claims{{"picture", "\"p.png\""}}));
  SessionHarness none(winkr_rest());
  auto other = none.upgrade("/ws?token=" + SessionHarness::token("u-1", {{"picture", "p.png"}}));
  EXPECT_TRUE(other->session.info().claims.empty());
  EXPECT_EQ(other->session.info().claims.capacity(), 0u) << "nothing allocated for an app that names none";
}

TEST(SessionTemplates, AProfileCalloutFillsTheSenderOnceAndIsCached) {
  json app = winkr_rest({{"callout", "profile"}, {"pointers", {{"avatar_url", "/avatar"}, {"username", "/handle"}}}});
  app["persist"]["message"] = {{"via", "jetstream"}};
  SessionHarness h(app);
  h.backend.answer("/profiles/u-1", 200, R"({"avatar":"https://cdn.example/a.png","handle":"maya_p"})");
  auto peer = joined(h, {{"username", "maya"}});
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(h.say(*peer, kSend));
    json got = frame(peer->frames.back());
    ASSERT_EQ(got["event"], "message:new") << got;
    EXPECT_EQ(got["data"]["sender"]["avatar_url"], "https://cdn.example/a.png");
    EXPECT_EQ(got["data"]["sender"]["username"], "maya_p")
        << "a field the app maps from its profile callout wins over the token's (the dialect built it from the token alone)";
  }
  std::size_t asked = 0;
  for (const auto& r : h.backend.requests()) asked += r.path == "/profiles/u-1";
  EXPECT_EQ(asked, 1u) << "the second message's profile came from the callout cache";
}

TEST(SessionTemplates, AProfileThatCannotBeHadDoesNotHoldTheMessageBack) {
  json app = winkr_rest({{"callout", "profile"}, {"pointers", {{"avatar_url", "/avatar"}}}});
  app["persist"]["message"] = {{"via", "jetstream"}};
  SessionHarness h(app);
  h.backend.answer("/profiles/u-1", 500, "{}");
  auto peer = joined(h);
  ASSERT_TRUE(h.say(*peer, kSend));
  json got = frame(peer->frames.back());
  ASSERT_EQ(got["event"], "message:new") << got;
  EXPECT_TRUE(got["data"]["sender"]["avatar_url"].is_null());
}

TEST(SessionTemplates, AStoreThatPublishesItselfIsNotFannedOutTwice) {
  json app = winkr_rest();
  app["persist"]["message"]["fan_out"] = "backend";
  SessionHarness h(app);
  h.backend.answer("/api/conversations/conv-1/messages", 201, R"({"message":{"id":"m-1"}})");
  auto peer = joined(h);
  auto out = h.watch("gw.out.winkr.conversation.conv-1");
  auto in = h.watch("gw.in.winkr.message.conversation.conv-1");
  peer->session.on_text(kSend);
  ASSERT_TRUE(h.wait_for(in, 1)) << "stored: the frame is on gw.in";
  h.loop.run_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(out->empty()) << "the endpoint published the event; the gateway adds no second copy";
}

}  // namespace
}  // namespace session_template_test
}  // namespace gangway::test
