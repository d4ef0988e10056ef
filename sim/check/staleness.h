#pragma once
// Staleness of reads (kv and map workloads): for each acknowledged read, how long the value it
// returned had already been superseded, i.e. read.call minus the completion time of the first
// acknowledged write of that key that began after the returned value's write had completed
// (0 if none had completed before the read began). Needs unique written values.

#include "sim/check/history.h"
#include "sim/metrics/histogram.h"

namespace edgesim {

Histogram read_staleness(const History& history);

}  // namespace edgesim
