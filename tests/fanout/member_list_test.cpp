// MemberList: set semantics with and without its position index.
#include "gateway/fanout/member_list.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

namespace gangway::test {
namespace {

// Never dereferenced: the list only stores and compares the pointers.
std::vector<Connection*> fake_connections(std::size_t n) {
  static char storage[4096];
  std::vector<Connection*> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(reinterpret_cast<Connection*>(&storage[i]));
  return out;
}

std::set<Connection*> members_of(const MemberList& list) { return {list.begin(), list.end()}; }

TEST(MemberListTest, SmallRoomIsASetWithoutIndex) {
  auto c = fake_connections(3);
  MemberList list;
  EXPECT_TRUE(list.insert(c[0]));
  EXPECT_TRUE(list.insert(c[1]));
  EXPECT_FALSE(list.insert(c[0]));
  EXPECT_EQ(list.size(), 2u);
  EXPECT_FALSE(list.erase(c[2]));
  EXPECT_TRUE(list.erase(c[0]));
  EXPECT_FALSE(list.erase(c[0]));
  EXPECT_EQ(members_of(list), (std::set<Connection*>{c[1]}));
  EXPECT_TRUE(list.erase(c[1]));
  EXPECT_TRUE(list.empty());
  EXPECT_FALSE(list.indexed());
}

TEST(MemberListTest, BigRoomKeepsAnIndexThatFollowsEveryMove) {
  auto c = fake_connections(1000);
  MemberList list;
  for (auto* x : c) EXPECT_TRUE(list.insert(x));
  EXPECT_TRUE(list.indexed());
  for (auto* x : c) EXPECT_FALSE(list.insert(x));
  // Remove every third, from the front, so the last member moves into each hole.
  std::set<Connection*> expected(c.begin(), c.end());
  for (std::size_t i = 0; i < c.size(); i += 3) {
    EXPECT_TRUE(list.erase(c[i]));
    EXPECT_FALSE(list.erase(c[i]));
    expected.erase(c[i]);
  }
  EXPECT_EQ(members_of(list), expected);
  EXPECT_EQ(list.size(), expected.size());
  for (auto* x : c) EXPECT_EQ(list.contains(x), expected.count(x) == 1);
}

TEST(MemberListTest, ShrinkingDropsTheIndexAndStaysCorrect) {
  auto c = fake_connections(MemberList::kIndexFrom + 8);
  MemberList list;
  for (auto* x : c) list.insert(x);
  ASSERT_TRUE(list.indexed());
  std::set<Connection*> expected(c.begin(), c.end());
  for (std::size_t i = 0; i + 3 < c.size(); ++i) {
    EXPECT_TRUE(list.erase(c[i]));
    expected.erase(c[i]);
    EXPECT_EQ(members_of(list), expected);
  }
  EXPECT_FALSE(list.indexed());
  // Growing again rebuilds it.
  for (auto* x : c) list.insert(x);
  EXPECT_TRUE(list.indexed());
  EXPECT_EQ(list.size(), c.size());
}


TEST(MemberListTest, GrowsFromOneInlineMemberAndShrinksBackToIt) {
  auto c = fake_connections(3);
  MemberList list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.begin(), list.end());
  EXPECT_TRUE(list.insert(c[0]));
  EXPECT_EQ(members_of(list), (std::set<Connection*>{c[0]}));
  EXPECT_TRUE(list.insert(c[1]));
  EXPECT_TRUE(list.insert(c[2]));
  EXPECT_EQ(members_of(list), (std::set<Connection*>{c[0], c[1], c[2]}));
  EXPECT_TRUE(list.erase(c[0]));
  EXPECT_TRUE(list.erase(c[2]));
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(members_of(list), (std::set<Connection*>{c[1]}));
  EXPECT_FALSE(list.contains(c[0]));
  EXPECT_FALSE(list.erase(c[0]));
  EXPECT_TRUE(list.insert(c[0]));  // and out to the array again
  EXPECT_EQ(members_of(list), (std::set<Connection*>{c[0], c[1]}));
  EXPECT_TRUE(list.erase(c[1]));
  EXPECT_TRUE(list.erase(c[0]));
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.begin(), list.end());
}

}  // namespace
}  // namespace gangway::test
