// Every way a REST endpoint can refuse a stored message (400, 422, 401, 403,
// 404, 500, 503, no answer in time) reaches the sender as its dialect's error,
// and nothing reaches the room or gw.in: for each persisted kind's dialect
// whose store goes over HTTP (winkr, circles, social).
#include <gtest/gtest.h>

#include <functional>

#include "gateway/session/upgrade_gate.hpp"
#include "tests/session/session_harness.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json jwt() { return {{"keys", {{{"alg", "HS256"}, {"secret", SessionHarness::kSecret}}}}}; }

// One dialect's store over HTTP, and how its sockets send and are told.
struct Case {
  json app;                      // the app, its store_message callout at `store_path`
  std::string store_path;        // the path the store's template expands to
  std::string room;              // where a stored message would be fanned out
  std::string in;                // its gw.in subject
  std::string send;              // the client frame
  std::function<std::shared_ptr<RecordingPeer>(SessionHarness&)> open;
  std::function<std::string(const json&)> code;  // the error code of an error frame, else ""
  std::map<int, std::string> expected;            // status -> error code; 0: no answer in time
};

json store(const std::string& path, json body, const char* forward) {
  return {{"method", "POST"}, {"path", path}, {"body", std::move(body)}, {"forward", {forward}}, {"timeout_ms", 400}};
}

Case winkr() {
  Case c;
  c.app = {{"name", "winkr"},
           {"dialect", "winkr"},
           {"routes", {"/ws"}},
           {"token_sources", {"query:token"}},
           {"jwt", jwt()},
           {"callouts",
            {{"conversation_access", {{"path", "/access/{conversation_id}/{user_id}"}}},
             {"store_message", store("/api/conversations/{frame:/data/conversation_id}/messages",
                                     {{"content", "{frame:/data/content}"}}, "bearer")}}},
           {"persist", {{"message", {{"via", "http"}, {"callout", "store_message"}, {"into", "/message"}}}}}};
  c.store_path = "/api/conversations/conv-1/messages";
  c.room = "gw.out.winkr.conversation.conv-1";
  c.in = "gw.in.winkr.message.conversation.conv-1";
  c.send = R"({"event":"message:send","data":{"conversation_id":"conv-1","content":"hello"}})";
  c.open = [](SessionHarness& h) {
    auto peer = h.connect("u-1", "/ws");
    EXPECT_TRUE(h.say(*peer, R"({"event":"conversation:join","data":{"conversation_id":"conv-1"}})"));
    return peer;
  };
  c.code = [](const json& f) { return f.value("event", "") == "error" ? f["data"].value("code", "") : ""; };
  c.expected = {{400, "VALIDATION_ERROR"}, {422, "VALIDATION_ERROR"}, {401, "FORBIDDEN"}, {403, "FORBIDDEN"},
                {404, "NOT_FOUND"},        {500, "INTERNAL_ERROR"},   {503, "INTERNAL_ERROR"}, {0, "INTERNAL_ERROR"}};
  return c;
}

std::string type_error_code(const json& f) { return f.value("type", "") == "error" ? f.value("code", "") : ""; }

const std::map<int, std::string> kFlatCodes = {{400, "store_failed"}, {422, "store_failed"}, {401, "forbidden"},
                                               {403, "forbidden"},    {404, "store_failed"}, {500, "unavailable"},
                                               {503, "unavailable"},  {0, "unavailable"}};

Case circles() {
  Case c;
  c.app = {{"name", "circles"},
           {"dialect", "circles"},
           {"routes", {"/ws/dms/{thread_id}", "/ws/user/{user_id}", "/ws/places/{place_id}/chat"}},
           {"jwt", jwt()},
           {"callouts",
            {{"dm_access", {{"path", "/dms/{thread_id}/access/{user_id}"}}},
             {"place_checkin", {{"path", "/places/{place_id}/checkins/{user_id}"}}},
             {"store_message", store("/api/v1/dms/{route:thread_id}/messages", {{"text", "{frame:/text}"}}, "bearer")}}},
           {"persist", {{"message", {{"via", "http"}, {"callout", "store_message"}}}}}};
  c.store_path = "/api/v1/dms/2/messages";
  c.room = "gw.out.circles.dm.2";
  c.in = "gw.in.circles.message.dm.2";
  c.send = R"({"type":"message","text":"hello"})";
  c.open = [](SessionHarness& h) { return h.connect("8", "/ws/dms/2"); };
  c.code = type_error_code;
  c.expected = kFlatCodes;
  return c;
}

Case social() {
  Case c;
  c.app = {{"name", "social"},
           {"dialect", "social"},
           {"routes", {"/ws"}},
           {"allowed_origins", {"https://social.example"}},
           {"session", {{"cookie", "session_id"}, {"callout", "session"}}},
           {"callouts",
            {{"session", {{"path", "/session"}, {"forward", {"cookie"}}}},
             {"user_groups", {{"path", "/users/{user_id}/groups"}}},
             {"group_member", {{"path", "/groups/{group_id}/members/{user_id}"}}},
             {"store_message", store("/api/messages/private",
                                     {{"to", "{frame:/to}"}, {"content", "{frame:/content}"}, {"timestamp", "{data:/timestamp}"}},
                                     "cookie")}}},
           {"persist", {{"private", {{"via", "http"}, {"callout", "store_message"}}}}}};
  c.store_path = "/api/messages/private";
  c.room = "gw.out.social.user.3";
  c.in = "gw.in.social.private.user.3";
  c.send = R"({"type":"private","to":3,"content":"hello"})";
  c.open = [](SessionHarness& h) {
    h.backend.answer("/session", 200, R"({"user_id":2,"username":"alice"})");
    h.backend.answer("/users/2/groups", 200, R"({"group_ids":[]})");
    auto peer = h.upgrade("/ws", "", "session_id=s3cret");
    EXPECT_TRUE(peer->greeted()) << "every room joined";
    return peer;
  };
  c.code = type_error_code;
  c.expected = kFlatCodes;
  return c;
}

// Sends the case's frame with the store answering `status` (0: too late) and
// checks the sender's error and that nothing was fanned out or published.
void refused(const Case& c, int status) {
  json app = c.app;
  if (status == 0) {
    auto& path = app["callouts"]["store_message"]["path"];
    path = "/slow" + path.get<std::string>();  // the test backend holds /slow/… past the 400 ms deadline
  }
  SessionHarness h(app);
  if (status) h.backend.answer(c.store_path, status, R"({"detail":"no"})");
  auto peer = c.open(h);
  ASSERT_TRUE(peer->session.is_open());
  auto out = h.watch(c.room);
  auto in = h.watch(c.in);
  ASSERT_TRUE(h.say(*peer, c.send)) << status << ": the sender is told";
  json got = json::parse(peer->frames.back());
  EXPECT_EQ(c.code(got), c.expected.at(status)) << status << ": " << got;
  bool asked = false;
  for (const auto& r : h.backend.requests()) asked |= r.path == (status ? c.store_path : "/slow" + c.store_path);
  EXPECT_TRUE(asked) << status << ": the endpoint was asked";
  h.loop.run_for(50ms);
  EXPECT_TRUE(out->empty()) << status << ": nothing reached the room";
  EXPECT_TRUE(in->empty()) << status << ": an unstored frame is not on gw.in";
}

class StoreRefusals : public ::testing::TestWithParam<int> {};

TEST_P(StoreRefusals, Winkr) { refused(winkr(), GetParam()); }
TEST_P(StoreRefusals, Circles) { refused(circles(), GetParam()); }
TEST_P(StoreRefusals, Social) { refused(social(), GetParam()); }

INSTANTIATE_TEST_SUITE_P(EveryStatus, StoreRefusals, ::testing::Values(400, 422, 401, 403, 404, 500, 503, 0),
                         [](const auto& info) { return info.param ? std::to_string(info.param) : std::string("Timeout"); });

// And the same stores when the endpoint takes the message.
TEST(StoreAccepted, EachDialectFansOutTheStoredObject) {
  for (Case c : {winkr(), circles(), social()}) {
    SessionHarness h(c.app);
    h.backend.answer(c.store_path, 201,
                     c.app["name"] == "winkr"     ? R"({"message":{"id":"m-1","content":"hello"}})"
                     : c.app["name"] == "circles" ? R"({"id":35,"thread_id":2,"sender_id":8,"text":"hello"})"
                                                  : R"({"type":"private","to":3,"content":"hello","timestamp":1})");
    auto peer = c.open(h);
    auto out = h.watch(c.room);
    peer->session.on_text(c.send);
    ASSERT_TRUE(h.wait_for(out, 1)) << c.app["name"];
    json event = json::parse((*out)[0].data);
    EXPECT_EQ(event["data"].dump().find("hello") != std::string::npos, true) << event;
    if (c.app["name"] == "circles") {
      EXPECT_EQ(event["data"]["id"], 35) << event;
    }
  }
}

}  // namespace
}  // namespace gangway::test
