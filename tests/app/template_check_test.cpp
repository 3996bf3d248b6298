// --check-config refuses a request template with a placeholder that nothing
// can fill where its callout is used, naming the app, the callout and it.
#include <gtest/gtest.h>

#include "gateway/app/gateway.hpp"
#include "gateway/config/config.hpp"

namespace gangway {
namespace {

// A winkr app (JWT) whose store and access callouts are `store` and `access`.
Json winkr(const Json& store, const Json& access = Json{{"path", "/c/{conversation_id}/u/{user_id}"}}) {
  return Json{{"gateway_id", "gw-1"},
              {"nats", {{"enabled", false}}},
              {"apps",
               {{{"name", "winkr"},
                 {"dialect", "winkr"},
                 {"listen", "127.0.0.1:0"},
                 {"routes", {"/ws/{team}"}},
                 {"jwt", {{"keys", {{{"alg", "HS256"}, {"secret", "s3cret-s3cret-s3cret-s3cret-s3cret"}}}}}},
                 {"backend", {{"url", "http://127.0.0.1:9"}}},
                 {"callouts", {{"conversation_access", access}, {"store_message", store}}},
                 {"persist", {{"message", {{"via", "http"}, {"callout", "store_message"}}}}}}}}};
}

std::string problems(const Json& config) {
  auto parsed = parse_config(config.dump());
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error());
  return parsed ? Gateway::check(*parsed) : "not parsed";
}

TEST(TemplateCheck, EverySourceAStoreCanUse) {
  Json store{{"method", "POST"},
             {"path", "/t/{route:team}/c/{frame:/data/conversation_id}/{user_id}/{user:id}"},
             {"query", {{"a", "{claim:picture?}"}, {"e", "{envelope:/id}"}}},
             {"body", {{"text", "{data:/content}"}, {"all", "{envelope}"}}}};
  EXPECT_EQ(problems(winkr(store)), "");
  EXPECT_EQ(problems(winkr(store, {{"path", "/c/{conversation_id}/u/{user:id}/{team}?p={claim:org}"}})), "");
}

TEST(TemplateCheck, AParameterNothingFillsIsRefusedByNameAndCallout) {
  auto p = problems(winkr({{"method", "POST"}, {"path", "/c/{conversation_id}/messages"}}));
  EXPECT_NE(p.find("config.apps[0].callouts.store_message.path: nothing fills {conversation_id}"), std::string::npos) << p;
  p = problems(winkr({{"method", "POST"}, {"path", "/m"}}, {{"path", "/c/{channel_id}"}}));
  EXPECT_NE(p.find("callouts.conversation_access.path: nothing fills {channel_id}"), std::string::npos) << p;
  p = problems(winkr({{"method", "POST"}, {"path", "/t/{route:place}"}}));
  EXPECT_NE(p.find("{route:place} cannot be filled: no route of the app has {place}"), std::string::npos) << p;
}

TEST(TemplateCheck, OnlyAStoreHasAFrame) {
  auto p = problems(winkr({{"method", "POST"}, {"path", "/m"}}, {{"path", "/c/{frame:/data/conversation_id}"}}));
  EXPECT_NE(p.find("callout conversation_access: {frame:/data/conversation_id} cannot be filled: only a store"),
            std::string::npos)
      << p;
  p = problems(winkr({{"method", "POST"}, {"path", "/m"}}, {{"path", "/c/{conversation_id}?e={envelope:/id}"}}));
  EXPECT_NE(p.find("{envelope:/id}"), std::string::npos) << p;
}

TEST(TemplateCheck, TheSessionCalloutRunsBeforeTheUserIsKnown) {
  Json config = winkr({{"method", "POST"}, {"path", "/m"}});
  Json& app = config["apps"][0];
  app["dialect"] = "social";
  app.erase("jwt");
  app["allowed_origins"] = {"https://social.example"};
  app["callouts"] = {{"session", {{"path", "/session/{user_id}?c={claim:x}"}, {"forward", {"cookie"}}}},
                     {"user_groups", {{"path", "/users/{user_id}/groups"}}},
                     {"group_member", {{"path", "/groups/{group_id}/members/{user_id}"}}},
                     {"store_message", {{"method", "POST"}, {"path", "/m"}}}};
  app["session"] = {{"cookie", "session_id"}, {"callout", "session"}};
  app["persist"] = {{"private", {{"via", "http"}, {"callout", "store_message"}}}};
  auto p = problems(config);
  EXPECT_NE(p.find("callouts.session.path: nothing fills {user_id}"), std::string::npos) << p;
  EXPECT_NE(p.find("callout session: {claim:x} cannot be filled: the session callout runs before"), std::string::npos)
      << p;
  EXPECT_EQ(p.find("user_groups"), std::string::npos) << p;
  EXPECT_EQ(p.find("group_member"), std::string::npos) << p;
}

}  // namespace
}  // namespace gangway
