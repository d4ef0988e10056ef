#pragma once
// AppliedOps: the ops a delta_sync authority applied recently, kept durably, so that another copy
// of an applied proposal (a network duplicate, or the edge's retry after a reject that such a
// duplicate caused) is recognized and answered as accepted instead of being applied twice.
//
// One durable record per op, "a/" + the op id in 8 big-endian bytes -> the time it was applied
// (ns on the authority's monotonic clock, in decimal): adding or forgetting an op is one small
// write, whatever the write rate (rewriting a list per key made every write to a hot key
// proportional to that key's recent writes).

#include <cstdint>
#include <deque>
#include <set>

#include "sim/core/time.h"
#include "sim/engine/replica.h"

namespace edgesim::models {

class AppliedOps {
 public:
  // Rebuilds the set from the durable records (after a restart).
  void recover(const DurableStore& store);
  bool contains(uint64_t op) const { return ops_.count(op) != 0; }
  void add(DurableStore& store, uint64_t op, Instant at);
  // Forgets (in memory and durably) the ops applied before `cutoff`.
  void forget_before(DurableStore& store, Instant cutoff);
  void clear();
  size_t size() const { return ops_.size(); }

 private:
  struct Applied {
    uint64_t op;
    Instant at;
  };
  std::deque<Applied> by_time_;  // oldest first
  std::set<uint64_t> ops_;
};

}  // namespace edgesim::models
