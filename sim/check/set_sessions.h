#pragma once
// Session guarantees for sets (add, remove, read), per client session and key, judged against real
// time. A read returns the elements; each added element is unique to its add (the workloads'), so
// an element names the add that put it there:
//   read-your-writes: after the session's acknowledged add of x, a later read holds x; after its
//                     acknowledged remove of x, a later read lacks x unless an add of x overlapped
//                     the remove (add-wins);
//   monotonic reads:  an element the session has read stays in its later reads.
// In both, a remove of x (by anyone, not failed) that began by the time the read returned excuses
// a read that lacks x. Reads that return no array, and ops of unknown outcome, are never evidence.

#include <cstddef>

#include "sim/check/history.h"
#include "sim/check/session_guarantees.h"

namespace edgesim {

// The result has the two guarantees above in `violations`.
SessionGuaranteesResult check_set_sessions(const History& history, size_t max_examples = 5);

}  // namespace edgesim
