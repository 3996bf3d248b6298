#include <gtest/gtest.h>

#include "gateway/core/model.hpp"
#include "gateway/core/route.hpp"
#include "gateway/core/subject.hpp"

namespace gangway {
namespace {

TEST(Ids, OnlySafeSubjectTokens) {
  for (const char* ok : {"a", "c-general", "U_1", "3f2c0b4e-1d2a-4f7e-9c1a-000000000000", "42"})
    EXPECT_TRUE(is_valid_id(ok)) << ok;
  for (const char* bad : {"", "a.b", "*", ">", "a b", "a\tb", "ü", "a/b", "a%2Eb", "$KV", "a\nb"})
    EXPECT_FALSE(is_valid_id(bad)) << bad;
  EXPECT_TRUE(is_valid_id(std::string(kMaxIdLength, 'x')));
  EXPECT_FALSE(is_valid_id(std::string(kMaxIdLength + 1, 'x')));
}

TEST(Subjects, FollowTheContract) {
  Subjects s("gw");
  EXPECT_EQ(s.inbound("circles", "message", {"dm", "2"}), "gw.in.circles.message.dm.2");
  EXPECT_EQ(s.inbound("social", "broadcast", {"all", ""}), "gw.in.social.broadcast.all");
  EXPECT_EQ(s.lifecycle("tribe", "connect"), "gw.in.tribe.connect");
  EXPECT_EQ(s.outbound("tribe", {"conversation", "c-1"}), "gw.out.tribe.conversation.c-1");
  EXPECT_EQ(s.outbound("tribe", {"all", ""}), "gw.out.tribe.all");
  auto parsed = s.parse_outbound("gw.out.tribe.conversation.c-1");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->app, "tribe");
  EXPECT_EQ(parsed->room, (RoomKey{"conversation", "c-1"}));
  EXPECT_FALSE(s.parse_outbound("gw.in.tribe.x.y"));
  EXPECT_FALSE(s.parse_outbound("gw.out.tribe.conversation.a.b"));
  EXPECT_EQ(Subjects("acme").outbound("a", {"user", "u"}), "acme.out.a.user.u");
}

TEST(Routes, MatchTemplatesAndRefuseUnsafeParams) {
  RouteTemplate dm("/ws/dms/{thread_id}");
  auto p = dm.match("/ws/dms/2");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->at("thread_id"), "2");
  EXPECT_FALSE(dm.match("/ws/dms/2/extra"));
  EXPECT_FALSE(dm.match("/ws/dms"));
  EXPECT_FALSE(dm.match("/ws/dms/a.b")) << "a dot would split the NATS subject";
  EXPECT_FALSE(dm.match("/ws/dms/*"));
  EXPECT_TRUE(RouteTemplate("/ws").match("/ws"));
  EXPECT_THROW(RouteTemplate("ws"), std::invalid_argument);
  EXPECT_THROW(RouteTemplate("/ws/{bad name}"), std::invalid_argument);
}

TEST(Targets, SplitPathAndDecodeQuery) {
  auto t = parse_target("/api/v1/ws?token=abc%2Edef&x=1+2&flag&=skip&bad=%zz");
  EXPECT_EQ(t.path, "/api/v1/ws");
  EXPECT_EQ(t.query.at("token"), "abc.def");
  EXPECT_EQ(t.query.at("x"), "1 2");
  EXPECT_EQ(t.query.at("flag"), "");
  EXPECT_EQ(t.query.count("bad"), 0u) << "a malformed escape drops the parameter";
  EXPECT_EQ(parse_target("/p").query.size(), 0u);
  EXPECT_FALSE(url_decode("%4"));
}

TEST(Targets, PercentDecodingAtEveryPosition) {
  EXPECT_EQ(url_decode(""), "");
  EXPECT_EQ(url_decode("plain-run_of.text~"), "plain-run_of.text~");
  EXPECT_EQ(url_decode("%41"), "A");
  EXPECT_EQ(url_decode("a%41"), "aA");
  EXPECT_EQ(url_decode("%41b"), "Ab");
  EXPECT_EQ(url_decode("++"), "  ");
  EXPECT_EQ(url_decode("%2B+%2b"), "+ +");
  EXPECT_EQ(url_decode("x%00y"), std::string("x\0y", 3));
  EXPECT_EQ(url_decode("%e2%82%ac%20euro"), "\xe2\x82\xac euro");
  for (const char* bad : {"%", "a%", "%4", "ab%4", "%g1", "%1g", "ok%zzok"}) EXPECT_FALSE(url_decode(bad)) << bad;
  std::string token(600, 'x');
  EXPECT_EQ(url_decode(token + "%2E" + token), token + "." + token);
}

TEST(Cookies, FindOneByName) {
  EXPECT_EQ(cookie_value("a=1; session_id=xyz; b=2", "session_id"), "xyz");
  EXPECT_EQ(cookie_value("session_id=\"q\"", "session_id"), "q");
  EXPECT_EQ(cookie_value("xsession_id=1", "session_id"), "");
  EXPECT_EQ(cookie_value("", "session_id"), "");
}

TEST(Events, ParseAndSerializeTheGwOutBody) {
  auto e = parse_event(R"({"event":"message.new","data":{"a":1},"exclude":{"user":"u-bob","conn":7}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name, "message.new");
  EXPECT_EQ(e->data["a"], 1);
  EXPECT_EQ(e->exclude.user, "u-bob");
  EXPECT_EQ(e->exclude.conn, "7");
  auto round = parse_event(serialize_event(*e));
  ASSERT_TRUE(round);
  EXPECT_EQ(round->exclude.user, "u-bob");
  auto f = parse_event(R"({"frame":{"type":"raw"}})");
  ASSERT_TRUE(f && f->frame);
  EXPECT_EQ((*f->frame)["type"], "raw");
  for (const char* bad : {"", "nope", "[]", "{}", R"({"event":1})", R"({"frame":"x"})"})
    EXPECT_FALSE(parse_event(bad)) << bad;
}

}  // namespace
}  // namespace gangway
