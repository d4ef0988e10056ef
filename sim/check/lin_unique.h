#pragma once
// The polynomial path for one key whose writes are unique: when every write stores a distinct value
// (distinct from the initial one too) and the ops are reads and writes only, each read names the
// write it saw, and linearizability reduces to comparing "zones" (Gibbons & Korach 1997; the zone
// formulation of Golab, Li & Shah, PODC 2011). O(n log n) instead of an exponential search.
//
// A cluster is a write plus the reads that returned its value (the initial value is a write at
// -infinity). Let f = the earliest return in the cluster and s = the latest call. If f < s the
// cluster's forward zone [f, s] must lie inside the block of the linearization where the value is
// current; otherwise [s, f] is a backward zone, a window in which the whole cluster can sit. The
// history is linearizable iff no read returns before its write is called, no two forward zones
// overlap, and no backward zone lies inside a forward zone. Intervals are closed, so zones that
// merely touch do not conflict.
//
// Unknown-outcome (info) writes that some read returned took effect, at an unknown time: they
// count with return time +infinity. Info writes nobody read may never have happened: dropped.

#include <optional>
#include <vector>

#include "sim/check/lin_ops.h"

namespace edgesim {

// nullopt if the fast path does not apply to these ops (then use the general search); otherwise
// whether they are linearizable.
std::optional<bool> unique_values_linearizable(const std::vector<LinOp>& ops, StateId initial);

}  // namespace edgesim
