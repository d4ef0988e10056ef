#pragma once
// Generated histories for the checker benchmark: executions of a linearizable register/kv store.
// Processes issue ops one after another (think time, then an op of random duration); each op takes
// effect at a random point inside its interval, in point order, on a sequential model. The last
// ops of the run end unknown (info) and took effect or not at random. Optionally one read is
// corrupted afterwards, which usually makes the history illegal.

#include <cstdint>

#include "sim/check/history.h"
#include "sim/core/prng.h"

namespace edgesim {

struct HistoryFamily {
  int keys = 1;
  int processes = 16;
  int ops = 80;
  int pending_at_end_max = 0;  // up to this many of the last ops end info
  int read_weight = 1, write_weight = 1, cas_weight = 0, append_weight = 0;
  int value_domain = 5;        // writes and cas draw from [0, domain); 0 = every write unique
  int64_t think_max = 20;      // time units between a process's ops
  int64_t duration_max = 100;  // an op's call-to-return time
  bool corrupt_one_read = false;
};

History generate_history(const HistoryFamily& family, Prng& prng);

}  // namespace edgesim
