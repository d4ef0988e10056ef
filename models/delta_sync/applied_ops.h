#pragma once
// AppliedOps: the ops a delta_sync authority applied recently, kept durably, so that another copy
// of an applied proposal (a network duplicate, or the edge's retry after a reject that such a
// duplicate caused) is recognized and answered as accepted instead of being applied twice.
//
// Durably, one log ("applied"): a MessagePack record [op id, time applied] appended per op, in the
// order applied (ns on the authority's monotonic clock). Forgetting is in memory; the log is
// rewritten with the ops still remembered once it holds as many forgotten records as live ones
// (and at least kMinRewrite), so it holds at most max(what is remembered, kMinRewrite - 1)
// forgotten records and each op costs O(1) durable bytes amortized. A durable key per op cost a map
// node and a search among keys sharing a ten-byte prefix, to add and again to forget: 7% of a
// delta_sync run's instructions.

#include <cstdint>
#include <deque>

#include <absl/container/btree_set.h>

#include "models/wire/msgpack_wire.h"
#include "sim/core/time.h"
#include "sim/engine/replica.h"

namespace edgesim::models {

class AppliedOps {
 public:
  // Rebuilds the set from the durable log (after a restart).
  void recover(const DurableStore& store);
  bool contains(uint64_t op) const { return ops_.contains(op); }
  void add(DurableStore& store, uint64_t op, Instant at);
  // Forgets the ops applied before `cutoff`.
  void forget_before(DurableStore& store, Instant cutoff);
  void clear();
  size_t size() const { return ops_.size(); }
  size_t logged() const { return logged_; }  // records in the durable log, forgotten ones included

  static constexpr size_t kMinRewrite = 64;

 private:
  struct Applied {
    uint64_t op;
    Instant at;
  };
  void append_record(const Applied& applied);  // to record_
  void rewrite(DurableStore& store);

  std::deque<Applied> by_time_;  // oldest first
  absl::btree_set<uint64_t> ops_;
  size_t logged_ = 0;
  WireBuffer record_;  // reused for each record appended
};

}  // namespace edgesim::models
