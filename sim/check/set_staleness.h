#pragma once
// The staleness of set reads (see staleness.h): superseded by the first acknowledged add whose
// element is missing (unless a remove of it was invoked before the read ended) or acknowledged
// remove whose element is still there (unless its add had not completed before the remove began).
// Each read is walked against its key's elements in order, and the adds it must show and the ones
// it shows are bitmaps by completion order, so the first it misses is a scan of words: no search
// per update per read, which cost more than the simulation once sets held thousands of elements.

#include "sim/check/history.h"
#include "sim/check/staleness.h"

namespace edgesim {

// Records the staleness of every acknowledged read of `history` (a set workload's).
void judge_set_reads(const History& history, ReadStaleness& staleness);

}  // namespace edgesim
