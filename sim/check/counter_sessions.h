#pragma once
// Session guarantees for counters, per client session and key, judged against real time. A read of
// a counter is a total: it names no single write, so only the two guarantees a total can show are
// judged, each as a lower bound on what a read may return:
//   monotonic reads:  not less than the session's previous read of the key;
//   read-your-writes: not less than that previous read (0 before any) plus the session's own
//                     acknowledged increments since, nor than all of its acknowledged increments
//                     of the key.
// Decrements (negative increments) can lower a total at any time, so both bounds are lowered by
// every decrement that had not definitely failed and began by the time the read returned (a lenient
// bound: exact when a workload only increments, as votes, scores and sales do). Reads that return
// no integer, and increments of unknown outcome, are never evidence. A read of nothing counts 0.

#include <cstddef>

#include "sim/check/history.h"
#include "sim/check/session_guarantees.h"

namespace edgesim {

// The result has the two guarantees above in `violations`.
SessionGuaranteesResult check_counter_sessions(const History& history, size_t max_examples = 5);

}  // namespace edgesim
