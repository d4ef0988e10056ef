#pragma once
// KeyBTree<V>: engines' keyed state (KeyedCrdt, lww's entries), a B-tree (abseil's btree_map) from
// string keys in the order of sim/core/key_order.h.
//
// A B-tree rather than std::map: entries sit many to a node, so the walks every sync round makes
// over all of a state's keys touch a few nodes, not a heap node per key. Rather than a sorted
// vector (faster still at a hundred keys): a new key costs O(log n), so a state of a million keys
// builds up in O(n log n) (docs/performance.md, session 16). Transparent (KeyLess), so that keys
// read from the wire are looked up without a copy.
//
// Nodes of 1 KiB rather than absl::btree_map's 256 bytes. An entry is a 32-byte key and its
// value: 80 bytes in all for a PN-counter, 96 for an LWW register, 248 for an OR-set, 440 for an
// RGA document. A 256-byte node held three entries at most, so a hundred keys made a tree four or
// more levels deep; a 1 KiB node holds ten to twelve counters or registers.
// Instruction counts barely moved, but time fell: the engines benchmark ran 3-11% faster for
// crdt.lww_map, crdt.pn_counter and hybrid, and a million-key run of those CRDTs 1.35-1.9x faster
// (cache misses; docs/performance.md, session 17). btree_map fixes the node size, so this names the
// container it derives from, in abseil's container_internal, as Debian 12's abseil (20220623)
// declares it.

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <absl/container/btree_map.h>
#include <absl/types/compare.h>

#include "sim/core/key_order.h"

namespace edgesim::models {

inline constexpr int kKeyBTreeNodeBytes = 1024;

// KeyLess's order as a three-way comparison. Given one, abseil's B-tree compares the key once per
// step of its search within a node, and knows it found the key when the comparison says equal,
// rather than comparing it with less-than both ways.
struct KeyOrder {
  using is_transparent = void;
  [[gnu::always_inline]] absl::weak_ordering operator()(std::string_view a,
                                                        std::string_view b) const {
    const int order = compare_keys(a, b);
    return order < 0   ? absl::weak_ordering::less
           : order > 0 ? absl::weak_ordering::greater
                       : absl::weak_ordering::equivalent;
  }
};

template <typename V>
using KeyBTree = absl::container_internal::btree_map_container<
    absl::container_internal::btree<absl::container_internal::map_params<
        std::string, V, KeyOrder, std::allocator<std::pair<const std::string, V>>,
        kKeyBTreeNodeBytes, /*IsMulti=*/false>>>;

}  // namespace edgesim::models
