// Events beyond the seed's list, and events that reach a tribe socket through a
// room other than its conversation.
#include <gtest/gtest.h>

#include "adapters/tribe/tribe_adapter.hpp"

namespace gangway::adapters {
namespace {

std::optional<std::string> encode(std::string name, Json data, RoomKey room) {
  return TribeAdapter().encode(Event{std::move(name), std::move(data), {}, std::nullopt}, room);
}

TEST(TribeEncode, OtherEventsInAConversationCarryItsId) {
  EXPECT_EQ(encode("message.deleted", Json{{"id", "m1"}}, {"conversation", "c1"}),
            R"({"event":"message.deleted","conversation_id":"c1","data":{"id":"m1"}})");
}

TEST(TribeEncode, OtherEventsToAUserHaveNoConversationId) {
  EXPECT_EQ(encode("notification", Json{{"text", "hi"}}, {"user", "u1"}),
            R"({"event":"notification","data":{"text":"hi"}})");
  EXPECT_EQ(encode("announcement", Json::object(), {"all", ""}), R"({"event":"announcement","data":{}})");
}

TEST(TribeEncode, MessageNewToAUserRoomTakesTheConversationFromItsData) {
  EXPECT_EQ(encode("message.new", Json{{"id", "m"}, {"conversation_id", "c9"}}, {"user", "u1"}),
            R"({"event":"message.new","conversation_id":"c9","data":{"id":"m","conversation_id":"c9"}})");
  EXPECT_EQ(encode("message.new", Json{{"id", "m"}, {"conversation_id", 7}}, {"user", "u1"}),
            R"({"event":"message.new","conversation_id":"7","data":{"id":"m","conversation_id":7}})");
  EXPECT_EQ(encode("message.new", Json{{"id", "m"}, {"conversation_id", nullptr}}, {"user", "u1"}),
            R"({"event":"message.new","data":{"id":"m","conversation_id":null}})");
}

TEST(TribeEncode, TheRoomWinsOverTheData) {
  EXPECT_EQ(encode("typing", Json{{"conversation_id", "other"}}, {"conversation", "c1"}),
            R"({"event":"typing","conversation_id":"c1","data":{"conversation_id":"other"}})");
}

TEST(TribeEncode, NonObjectDataIsPassedThrough) {
  EXPECT_EQ(encode("unread", Json(3), {"user", "u1"}), R"({"event":"unread","data":3})");
  EXPECT_EQ(encode("list", Json::array({1, 2}), {"conversation", "c"}),
            R"({"event":"list","conversation_id":"c","data":[1,2]})");
}

TEST(TribeEncode, PreRenderedFramesAreForwardedAsIs) {
  Event e;
  e.frame = Json{{"event", "custom"}, {"x", 1}};
  EXPECT_EQ(TribeAdapter().encode(e, {"conversation", "c"}), R"({"event":"custom","x":1})");
}

TEST(TribeEncode, AnEventWithoutANameIsNotShown) {
  EXPECT_EQ(encode("", Json::object(), {"conversation", "c"}), std::nullopt);
}

TEST(TribeEncode, InvalidUtf8FromTheBackendNeverThrows) {
  auto frame = encode("message.new", Json{{"content", "bad \xff byte"}}, {"conversation", "c"});
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(Json::parse(*frame)["data"]["content"], "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace gangway::adapters
