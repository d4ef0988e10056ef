#pragma once
// KeyLookupCache<Tree>: a direct-mapped memo of where a KeyBTree keeps recently looked-up keys.
//
// An LWW replica looks up a key for every write it applies, and every write reaches every replica.
// In the B-tree that is a binary search in each node on the way down: a string comparison per
// step, each a load of a key the search has not touched yet and a branch that goes either way
// (10-15% of an lww run). A hit here costs a hash of the key and one line of the cache, then the
// element's own line, which the caller reads anyway.
//
// A B-tree moves its elements when it inserts or erases, so the owner calls forget_all() whenever
// the tree's shape changes; that is O(1) (a generation count), so a workload that keeps adding keys
// pays only misses. Only speed depends on what is remembered: a miss falls back to the tree.

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "sim/core/key_order.h"

namespace edgesim::models {

// A hash of a short key, inline: keys are mostly a few bytes ("k42").
[[gnu::always_inline]] inline uint64_t hash_key(std::string_view key) {
  uint64_t hash = 0x9e3779b97f4a7c15ULL ^ key.size();
  size_t at = 0;
  for (; at + 8 <= key.size(); at += 8) {
    uint64_t word;
    std::memcpy(&word, key.data() + at, 8);
    hash = (hash ^ word) * 0xff51afd7ed558ccdULL;
  }
  uint64_t tail = 0;
  for (size_t shift = 0; at < key.size(); ++at, shift += 8)
    tail |= uint64_t{static_cast<unsigned char>(key[at])} << shift;
  hash = (hash ^ tail) * 0xc4ceb9fe1a85ec53ULL;
  return hash ^ (hash >> 29);
}

template <typename Tree>
class KeyLookupCache {
 public:
  using Item = typename Tree::value_type;
  static constexpr size_t kLines = 256;  // a key's line is hash_key(key) % kLines

  KeyLookupCache() = default;
  // A copy is made for a copy of the tree, whose elements are elsewhere: it starts empty.
  KeyLookupCache(const KeyLookupCache&) {}
  KeyLookupCache& operator=(const KeyLookupCache&) {
    forget_all();
    return *this;
  }
  // A moved B-tree keeps its nodes, so what the cache remembers moves with it.
  KeyLookupCache(KeyLookupCache&&) noexcept = default;
  KeyLookupCache& operator=(KeyLookupCache&&) noexcept = default;

  // The remembered element for `key` (hash_key(key) is `hash`), or nullptr.
  Item* find(std::string_view key, uint64_t hash) const {
    if (lines_ == nullptr) return nullptr;
    const Line& line = lines_[hash % kLines];
    if (line.generation != generation_ || line.hash != hash) return nullptr;
    // Compared inline (compare_keys), as the B-tree compares: operator== calls memcmp.
    return compare_keys(line.item->first, key) == 0 ? line.item : nullptr;
  }
  void remember(uint64_t hash, Item& item) {
    // Allocated on first use: a tree that is never looked up through the cache (a CRDT's
    // short-lived delta) pays nothing for it.
    if (lines_ == nullptr) lines_ = std::make_unique<Line[]>(kLines);
    lines_[hash % kLines] = Line{hash, generation_, &item};
  }
  // `tree`'s element for `key`, or nullptr: from the cache, else from the tree (then remembered).
  Item* lookup(Tree& tree, std::string_view key) {
    const uint64_t hash = hash_key(key);
    if (Item* item = find(key, hash)) return item;
    const auto it = tree.find(key);
    if (it == tree.end()) return nullptr;
    remember(hash, *it);
    return &*it;
  }
  // `tree`'s element for `key`, added with a default value if absent: one search of the tree when
  // the cache does not know the key (a B-tree builds the key's string only when it inserts).
  Item& lookup_or_add(Tree& tree, std::string_view key) {
    const uint64_t hash = hash_key(key);
    if (Item* item = find(key, hash)) return *item;
    const size_t before = tree.size();
    Item& item = *tree.template try_emplace<std::string_view>(key).first;
    if (tree.size() != before) forget_all();  // elements may have moved
    remember(hash, item);
    return item;
  }
  // The tree inserted or erased: every remembered element may have moved.
  void forget_all() { ++generation_; }

 private:
  struct Line {
    uint64_t hash = 0;
    uint64_t generation = 0;
    Item* item = nullptr;
  };
  std::unique_ptr<Line[]> lines_;
  uint64_t generation_ = 1;  // lines of generation 0 were never written
};

}  // namespace edgesim::models
