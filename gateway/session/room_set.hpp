#pragma once
// The rooms one socket is in, held by value. Every socket stands in three
// rooms of its own — its user's, its connection's and the app's `all` — kept
// as bits rather than RoomKeys (~200 bytes less per socket); the rooms it
// joins besides are kept in join order. Pure data: joining the fan-out and
// presence is the session's business (session.hpp).
#include <cstdint>
#include <vector>

#include "gateway/core/model.hpp"

namespace gangway {

class RoomSet {
 public:
  // `self` names the standing rooms (its user id and connection id).
  // True if `room` was not in the set before.
  bool insert(const RoomKey& room, const SessionInfo& self);
  // True if `room` was in the set.
  bool erase(const RoomKey& room, const SessionInfo& self);
  bool contains(const RoomKey& room, const SessionInfo& self) const;
  // Every room in the set: the standing ones (user, conn, all), then the others in join order.
  std::vector<RoomKey> list(const SessionInfo& self) const;

  // The standing rooms of `self`, user first.
  static std::vector<RoomKey> standing(const SessionInfo& self);

 private:
  static int standing_bit(const RoomKey& room, const SessionInfo& self);  // 0: not one of them
  static std::vector<RoomKey> standing(const SessionInfo& self, int bits);

  std::vector<RoomKey> rooms_;  // other than the standing ones
  std::uint8_t standing_ = 0;   // standing rooms joined: 1 user, 2 conn, 4 all
};

}  // namespace gangway
