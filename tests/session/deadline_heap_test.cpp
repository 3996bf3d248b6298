// The per-loop expiry heap: ordered by deadline, items leave early in any
// order, and each item always knows where it is.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "gateway/session/deadline_heap.hpp"

namespace gangway::test {
namespace {

struct Item {
  int id = 0;
  std::uint32_t slot = DeadlineHeap<Item>::kNotQueued;
};
std::uint32_t& deadline_slot(Item& i) { return i.slot; }

std::vector<int> ids(const std::vector<Item*>& items) {
  std::vector<int> out;
  for (const Item* i : items) out.push_back(i->id);
  return out;
}

TEST(DeadlineHeap, PopsWhatIsDueNearestFirstAndKeepsTheRest) {
  DeadlineHeap<Item> heap;
  std::vector<Item> items(5);
  const std::int64_t at[] = {50, 10, 40, 20, 30};
  for (int i = 0; i < 5; ++i) {
    items[i].id = i;
    heap.push(items[i], at[i]);
  }
  EXPECT_EQ(heap.next(), 10);
  EXPECT_TRUE(heap.pop_due(9).empty());
  EXPECT_EQ(ids(heap.pop_due(30)), (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(items[1].slot, DeadlineHeap<Item>::kNotQueued) << "a popped item knows it left";
  EXPECT_EQ(heap.size(), 2u);
  EXPECT_EQ(ids(heap.pop_due(1000)), (std::vector<int>{2, 0}));
  EXPECT_TRUE(heap.empty());
}

TEST(DeadlineHeap, AnItemLeavesEarlyAndCanComeBackWithAnotherDeadline) {
  DeadlineHeap<Item> heap;
  Item a{1}, b{2}, c{3};
  heap.push(a, 10);
  heap.push(b, 20);
  heap.push(c, 30);
  heap.erase(a);
  heap.erase(a);  // twice: nothing
  EXPECT_EQ(heap.next(), 20);
  heap.push(b, 40);  // moved, not added twice
  EXPECT_EQ(heap.size(), 2u);
  EXPECT_EQ(ids(heap.pop_due(100)), (std::vector<int>{3, 2}));
  Item never{4};
  heap.erase(never);  // never queued: nothing
  EXPECT_TRUE(heap.empty());
}

// Random pushes, erasures and pops against a multiset of the same deadlines.
TEST(DeadlineHeap, AgreesWithASortedSetThroughRandomChurn) {
  std::mt19937 rng(26);
  DeadlineHeap<Item> heap;
  std::vector<Item> items(500);
  std::map<int, std::int64_t> queued;  // id -> deadline
  for (int i = 0; i < 500; ++i) items[i].id = i;
  std::int64_t now = 0;
  for (int step = 0; step < 20000; ++step) {
    Item& it = items[rng() % items.size()];
    switch (rng() % 4) {
      case 0:
      case 1: {
        std::int64_t at = now + static_cast<std::int64_t>(rng() % 100);
        heap.push(it, at);
        queued[it.id] = at;
        break;
      }
      case 2:
        heap.erase(it);
        queued.erase(it.id);
        break;
      case 3: {
        now += rng() % 5;
        auto due = heap.pop_due(now);
        std::multiset<std::int64_t> expected;
        for (auto q = queued.begin(); q != queued.end();)
          if (q->second <= now) {
            expected.insert(q->second);
            q = queued.erase(q);
          } else {
            ++q;
          }
        ASSERT_EQ(due.size(), expected.size()) << "at step " << step;
        break;
      }
    }
    ASSERT_EQ(heap.size(), queued.size()) << "at step " << step;
    for (const auto& [id, at] : queued) ASSERT_NE(items[id].slot, DeadlineHeap<Item>::kNotQueued);
    if (!queued.empty()) {
      auto nearest = std::min_element(queued.begin(), queued.end(),
                                      [](const auto& x, const auto& y) { return x.second < y.second; });
      ASSERT_EQ(heap.next(), nearest->second) << "at step " << step;
    }
  }
}

}  // namespace
}  // namespace gangway::test
