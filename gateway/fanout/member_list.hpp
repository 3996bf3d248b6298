#pragma once
// The members of one room on one loop. Delivery walks a plain array; join and
// leave find a member by a position index once the room is big, so a reconnect
// storm through the `all` room costs O(N), not O(N²). Most rooms (a socket's
// conn and user rooms) have one member: it is kept inline, without a heap
// block, and small rooms keep no index.
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
    if (many_.empty()) {
      if (!one_) {
        one_ = c;
        return true;
      }
      many_ = {one_};  // the second member: from inline to the array
      one_ = nullptr;
    }
    if (index_) index_->emplace(c, static_cast<std::uint32_t>(many_.size()));
    many_.push_back(c);
    if (!index_ && many_.size() >= kIndexFrom) build_index();
    return true;
  }

  // False if `c` is not a member. The last member takes its place.
  bool erase(Connection* c) {
    if (many_.empty()) {
      if (!one_ || one_ != c) return false;
      one_ = nullptr;
      return true;
    }
    std::size_t pos = find(c);
    if (pos == many_.size()) return false;
    Connection* last = many_.back();
    many_[pos] = last;
    many_.pop_back();
    if (index_) {
      index_->erase(c);
      if (last != c) (*index_)[last] = static_cast<std::uint32_t>(pos);
      if (many_.size() < kIndexFrom / 2) index_.reset();
    }
    if (many_.size() == 1) {  // back to inline: the array's block goes
      one_ = many_.front();
      std::vector<Connection*>().swap(many_);
    }
    return true;
  }

  bool contains(Connection* c) const { return many_.empty() ? one_ && one_ == c : find(c) != many_.size(); }
  bool empty() const { return size() == 0; }
  std::size_t size() const { return many_.empty() ? (one_ ? 1 : 0) : many_.size(); }
  bool indexed() const { return index_ != nullptr; }
  Connection* const* begin() const { return many_.empty() ? &one_ : many_.data(); }
  Connection* const* end() const { return begin() + size(); }

 private:
  std::size_t find(Connection* c) const {
    if (index_) {
      auto it = index_->find(c);
      return it == index_->end() ? many_.size() : it->second;
    }
    for (std::size_t i = 0; i < many_.size(); ++i) {
      if (many_[i] == c) return i;
    }
    return many_.size();
  }
  void build_index() {
    index_ = std::make_unique<std::unordered_map<Connection*, std::uint32_t>>();
    index_->reserve(many_.size() * 2);
    for (std::size_t i = 0; i < many_.size(); ++i) index_->emplace(many_[i], static_cast<std::uint32_t>(i));
  }

  Connection* one_ = nullptr;       // the only member, while there is at most one
  std::vector<Connection*> many_;  // two or more members
  std::unique_ptr<std::unordered_map<Connection*, std::uint32_t>> index_;
};

}  // namespace gangway
