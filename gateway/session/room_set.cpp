#include "gateway/session/room_set.hpp"

#include <algorithm>

namespace gangway {

namespace {
constexpr int kUser = 1, kConn = 2, kAll = 4;
}  // namespace

int RoomSet::standing_bit(const RoomKey& room, const SessionInfo& self) {
  if (room.kind == "user" && room.id == self.user.id) return kUser;
  if (room.kind == "conn" && room.id == self.conn_id) return kConn;
  if (room.kind == "all" && room.id.empty()) return kAll;
  return 0;
}

std::vector<RoomKey> RoomSet::standing(const SessionInfo& self, int bits) {
  std::vector<RoomKey> rooms;
  if (bits & kUser) rooms.push_back({"user", self.user.id});
  if (bits & kConn) rooms.push_back({"conn", self.conn_id});
  if (bits & kAll) rooms.push_back({"all", ""});
  return rooms;
}

std::vector<RoomKey> RoomSet::standing(const SessionInfo& self) { return standing(self, kUser | kConn | kAll); }

bool RoomSet::insert(const RoomKey& room, const SessionInfo& self) {
  if (contains(room, self)) return false;
  if (int bit = standing_bit(room, self)) {
    standing_ |= static_cast<std::uint8_t>(bit);
  } else {
    rooms_.push_back(room);
  }
  return true;
}

bool RoomSet::erase(const RoomKey& room, const SessionInfo& self) {
  if (int bit = standing_bit(room, self)) {
    if (!(standing_ & bit)) return false;
    standing_ &= static_cast<std::uint8_t>(~bit);
    return true;
  }
  auto it = std::find(rooms_.begin(), rooms_.end(), room);
  if (it == rooms_.end()) return false;
  rooms_.erase(it);
  return true;
}

bool RoomSet::contains(const RoomKey& room, const SessionInfo& self) const {
  if (int bit = standing_bit(room, self)) return standing_ & bit;
  return std::find(rooms_.begin(), rooms_.end(), room) != rooms_.end();
}

std::vector<RoomKey> RoomSet::list(const SessionInfo& self) const {
  std::vector<RoomKey> rooms = standing(self, standing_);
  rooms.insert(rooms.end(), rooms_.begin(), rooms_.end());
  return rooms;
}

}  // namespace gangway
