#include "models/key_lookup_cache.h"

#include <gtest/gtest.h>

#include <string>

#include "models/key_btree.h"

namespace edgesim {
namespace {

using Tree = models::KeyBTree<int>;
using Cache = models::KeyLookupCache<Tree>;
using models::hash_key;

std::string key(int i) { return "k" + std::to_string(i); }

Tree::value_type& remember(Cache& cache, Tree& tree, const std::string& k) {
  auto& item = *tree.find(k);
  cache.remember(hash_key(k), item);
  return item;
}

TEST(KeyLookupCache, FindsWhatItRememberedUntilTheTreeChangesShape) {
  Tree tree;
  Cache cache;
  for (int i = 0; i < 100; ++i) tree.try_emplace(key(i), i);
  for (int i = 0; i < 100; ++i) remember(cache, tree, key(i));
  int hits = 0;
  for (int i = 0; i < 100; ++i) {
    if (auto* item = cache.find(key(i), hash_key(key(i)))) {
      EXPECT_EQ(item->first, key(i));
      EXPECT_EQ(item->second, i);
      EXPECT_EQ(item, &*tree.find(key(i)));
      ++hits;
    }
  }
  EXPECT_GT(hits, 50);  // 100 keys in kLines (256) lines: a few collide, most do not
  // Inserting splits nodes and moves elements: nothing remembered may be handed out after that.
  for (int i = 100; i < 1000; ++i) tree.try_emplace(key(i), i);
  cache.forget_all();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(cache.find(key(i), hash_key(key(i))), nullptr);
}

TEST(KeyLookupCache, AKeySharingALineIsNotMistakenForAnother) {
  Tree tree;
  Cache cache;
  // Two keys whose hashes land on the same line.
  int other = 1;
  while (hash_key(key(other)) % Cache::kLines != hash_key(key(0)) % Cache::kLines) ++other;
  tree.try_emplace(key(0), 0);
  tree.try_emplace(key(other), other);
  remember(cache, tree, key(0));
  EXPECT_EQ(cache.find(key(other), hash_key(key(other))), nullptr);
  remember(cache, tree, key(other));  // evicts key(0)
  EXPECT_EQ(cache.find(key(0), hash_key(key(0))), nullptr);
  EXPECT_EQ(cache.find(key(other), hash_key(key(other)))->second, other);
  // The same hash for a different key (as if two keys collided in all 64 bits) is a miss too.
  EXPECT_EQ(cache.find(key(0), hash_key(key(other))), nullptr);
}

TEST(KeyLookupCache, KeysOfEveryLengthHashApart) {
  // Lengths around the 8-byte word: the tail and the length both reach the hash.
  std::string text;
  uint64_t previous = hash_key(text);
  for (int length = 1; length <= 20; ++length) {
    text.push_back('\0');
    const uint64_t next = hash_key(text);
    EXPECT_NE(next, previous) << length;
    previous = next;
  }
  EXPECT_NE(hash_key("ab"), hash_key("ba"));
  EXPECT_NE(hash_key("k1234567a"), hash_key("k1234567b"));
}

// lookup_or_add() adds a missing key once, hands back the tree's own element for a known one, and
// after an add (which moves elements) still finds every key where the tree keeps it.
TEST(KeyLookupCache, LookupOrAddAddsOnceAndFollowsTheTreeAsItGrows) {
  Tree tree;
  Cache cache;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 300; ++i) {
      Tree::value_type& item = cache.lookup_or_add(tree, key(i));
      EXPECT_EQ(item.first, key(i));
      EXPECT_EQ(&item, &*tree.find(key(i)));
      item.second += 1;
    }
  }
  ASSERT_EQ(tree.size(), 300u);
  for (const auto& [k, count] : tree) EXPECT_EQ(count, 3) << k;
}

}  // namespace
}  // namespace edgesim
