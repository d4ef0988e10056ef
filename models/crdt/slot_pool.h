#pragma once
// Pools of elements that stay put: structures that keep many elements in some order (RGA's
// document, the dot kernel's values) hold 4-byte slot numbers in their sorted vectors and the
// elements in a pool, so that reordering shifts small trivially copyable entries.

#include <cstdint>
#include <vector>

namespace edgesim::models {

// Stores `element` in a free slot of `pool` (the last one freed first) or in a new one at its end;
// returns the slot.
template <typename T>
uint32_t place_in_pool(std::vector<T>& pool, std::vector<uint32_t>& free_slots, const T& element) {
  if (free_slots.empty()) {
    pool.push_back(element);
    return static_cast<uint32_t>(pool.size() - 1);
  }
  const uint32_t slot = free_slots.back();
  free_slots.pop_back();
  pool[slot] = element;
  return slot;
}

}  // namespace edgesim::models
