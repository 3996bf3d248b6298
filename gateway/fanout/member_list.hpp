#pragma once
// The members of one room on one loop. Delivery walks a plain vector; join and
// leave find a member by a position index once the room is big, so a reconnect
// storm through the `all` room costs O(N), not O(N²). Small rooms (most: one
// socket's user and conn rooms) keep no index and pay one pointer for it.
// Touched only on the room's loop.
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace gangway {

class Connection;

class MemberList {
 public:
  // Rooms at least this big keep the index; it goes again below half of it.
  static constexpr std::size_t kIndexFrom = 32;

  // False if `c` is a member already.
  bool insert(Connection* c) {
    if (contains(c)) return false;
    if (index_) index_->emplace(c, static_cast<std::uint32_t>(items_.size()));
    items_.push_back(c);
    if (!index_ && items_.size() >= kIndexFrom) build_index();
    return true;
  }

  // False if `c` is not a member. The last member takes its place.
  bool erase(Connection* c) {
    std::size_t pos = find(c);
    if (pos == items_.size()) return false;
    Connection* last = items_.back();
    items_[pos] = last;
    items_.pop_back();
    if (index_) {
      index_->erase(c);
      if (last != c) (*index_)[last] = static_cast<std::uint32_t>(pos);
      if (items_.size() < kIndexFrom / 2) index_.reset();
    }
    return true;
  }

  bool contains(Connection* c) const { return find(c) != items_.size(); }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  bool indexed() const { return index_ != nullptr; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 private:
  std::size_t find(Connection* c) const {
    if (index_) {
      auto it = index_->find(c);
      return it == index_->end() ? items_.size() : it->second;
    }
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (items_[i] == c) return i;
    }
    return items_.size();
  }
  void build_index() {
    index_ = std::make_unique<std::unordered_map<Connection*, std::uint32_t>>();
    index_->reserve(items_.size() * 2);
    for (std::size_t i = 0; i < items_.size(); ++i) index_->emplace(items_[i], static_cast<std::uint32_t>(i));
  }

  std::vector<Connection*> items_;
  std::unique_ptr<std::unordered_map<Connection*, std::uint32_t>> index_;
};

}  // namespace gangway
