// The gw.in bodies a session publishes (contracts/nats checks their schema in
// the integration tests; here, what they carry).
#include "gateway/session/envelope.hpp"

#include <gtest/gtest.h>

namespace gangway {
namespace {

SessionInfo self() {
  SessionInfo s;
  s.app = "tribe";
  s.conn_id = "c-1";
  s.user.id = "u-1";
  s.user.name = "Ann \"the\" Lee";
  return s;
}

TEST(Envelope, CarriesTheFrameAndWhoSentItWhereAndWhen) {
  Action a;
  a.kind = "typing";
  a.room = {"conversation", "x"};
  a.data = {{"is_typing", true}};
  Json e = envelope(a, self(), "gw-1", "id-1");
  EXPECT_EQ(e["id"], "id-1");
  EXPECT_EQ(e["app"], "tribe");
  EXPECT_EQ(e["kind"], "typing");
  EXPECT_EQ(e["room"], Json({{"kind", "conversation"}, {"id", "x"}}));
  EXPECT_EQ(e["user"], Json({{"id", "u-1"}, {"name", "Ann \"the\" Lee"}}));
  EXPECT_EQ(e["conn"], "c-1");
  EXPECT_EQ(e["gateway"], "gw-1");
  EXPECT_TRUE(e["received_at"].is_string());
  EXPECT_EQ(e["data"], a.data);
}

TEST(Envelope, ALifecycleBodyIsJsonWithItsExtraMembers) {
  Json body = Json::parse(lifecycle_body(self(), "gw-1", R"(,"reason":"client_closed","duration_ms":5)"));
  EXPECT_EQ(body["user"]["name"], "Ann \"the\" Lee") << "the name is escaped";
  EXPECT_EQ(body["reason"], "client_closed");
  EXPECT_EQ(body["duration_ms"], 5);
  EXPECT_EQ(body["gateway"], "gw-1");
  EXPECT_EQ(body["id"].get<std::string>().size(), 36u);
  EXPECT_NE(Json::parse(lifecycle_body(self(), "gw-1", ""))["id"], body["id"]);
}

}  // namespace
}  // namespace gangway
