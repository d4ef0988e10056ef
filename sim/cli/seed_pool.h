#pragma once
// Runs independent seeds on worker threads (the only threads in edgesim). Each seed is its own
// Simulation object, so results do not depend on the number of jobs; they are returned in seed
// order.

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/scenario/run.h"

namespace edgesim {

// Called on the calling thread after each seed finishes, with (done, total, failed so far).
using ProgressCallback = std::function<void(size_t done, size_t total, size_t failed)>;

// A bound on each seed's wall-clock time (edgesim run --timeout).
struct SeedTimeout {
  double seconds = 0;  // 0: none
  // Called on the calling thread with the first seed found past the bound. It must end the
  // process: a seed's thread cannot be stopped, since its engine may be stuck inside a callback.
  std::function<void(uint64_t seed)> expired;
};

std::vector<RunResult> run_seeds(const Scenario& scenario, const std::vector<uint64_t>& seeds,
                                 const EngineRegistry& engines, unsigned jobs, bool keep_history,
                                 const ProgressCallback& progress, const SeedTimeout& timeout = {});

}  // namespace edgesim
