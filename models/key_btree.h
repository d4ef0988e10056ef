#pragma once
// KeyBTree<V>: engines' keyed state (KeyedCrdt, lww's entries), a B-tree (abseil's btree_map) from
// string keys in the order of sim/core/key_order.h.
//
// A B-tree rather than std::map: entries sit a few to a node, so the walks every sync round makes
// over all of a state's keys touch a few nodes, not a heap node per key. Rather than a sorted
// vector (faster still at a hundred keys): a new key costs O(log n), so a state of a million keys
// builds up in O(n log n) (docs/performance.md, session 16). Transparent (KeyLess), so that keys
// read from the wire are looked up without a copy.

#include <string>

#include <absl/container/btree_map.h>

#include "sim/core/key_order.h"

namespace edgesim::models {

template <typename V>
using KeyBTree = absl::btree_map<std::string, V, KeyLess>;

}  // namespace edgesim::models
