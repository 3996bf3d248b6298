// A socket's rooms: the three standing ones as bits, the others in join order.
#include "gateway/session/room_set.hpp"

#include <gtest/gtest.h>

namespace gangway {
namespace room_set_test {  // its own: the unity build compiles it with other test files
namespace {

SessionInfo self() {
  SessionInfo s;
  s.user.id = "u-1";
  s.conn_id = "c-1";
  return s;
}

TEST(RoomSet, StandingRoomsAreTheSocketsOwn) {
  EXPECT_EQ(RoomSet::standing(self()), (std::vector<RoomKey>{{"user", "u-1"}, {"conn", "c-1"}, {"all", ""}}));
}

TEST(RoomSet, InsertEraseAndContainsForEveryKind) {
  RoomSet rooms;
  const SessionInfo s = self();
  for (const RoomKey& r : {RoomKey{"user", "u-1"}, RoomKey{"conversation", "x"}, RoomKey{"all", ""}}) {
    EXPECT_FALSE(rooms.contains(r, s));
    EXPECT_TRUE(rooms.insert(r, s));
    EXPECT_FALSE(rooms.insert(r, s)) << "already in";
    EXPECT_TRUE(rooms.contains(r, s));
  }
  // Someone else's user room is an ordinary room here, not a standing one.
  EXPECT_TRUE(rooms.insert({"user", "u-2"}, s));
  EXPECT_EQ(rooms.list(s), (std::vector<RoomKey>{{"user", "u-1"}, {"all", ""}, {"conversation", "x"}, {"user", "u-2"}}));
  EXPECT_TRUE(rooms.erase({"user", "u-1"}, s));
  EXPECT_FALSE(rooms.erase({"user", "u-1"}, s));
  EXPECT_TRUE(rooms.erase({"conversation", "x"}, s));
  EXPECT_FALSE(rooms.erase({"conn", "c-1"}, s)) << "never joined";
  EXPECT_EQ(rooms.list(s), (std::vector<RoomKey>{{"all", ""}, {"user", "u-2"}}));
}

}  // namespace
}  // namespace room_set_test
}  // namespace gangway
