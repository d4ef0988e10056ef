#pragma once
// Convergence: all live replicas observe() equal within a bound after the last heal.
//
// The run samples the replicas periodically (sim/scenario/run.cc says when) and feeds each sample
// here.
// Converged-since is the first sample from which every later sample was equal; time-to-converge is
// measured from the reference instant (the later of the last fault's end and the last client op
// reaching a PoP). The check holds iff the replicas are equal at the end and converged within the
// bound.

#include <optional>

#include "sim/core/time.h"
#include "sim/engine/value.h"

namespace edgesim {

struct ConvergenceVerdict {
  bool ok = false;
  bool converged = false;                    // equal at the last sample
  std::optional<Duration> time_to_converge;  // from the reference; 0 if already equal then
  Instant reference;
  Duration within;
  uint32_t live_replicas = 0;
  uint32_t distinct_values = 0;  // at the last sample
};

class ConvergenceTracker {
 public:
  // One sample: at `at`, `live` replicas were up and showed `distinct` different values.
  void sample(Instant at, uint32_t live, uint32_t distinct);
  // The replicas may have changed since the last sample, unseen: equality seen so far says nothing
  // about them now.
  void forget() { equal_since_.reset(); }
  ConvergenceVerdict verdict(Instant reference, Duration within) const;

 private:
  std::optional<Instant> equal_since_;
  uint32_t last_live_ = 0;
  uint32_t last_distinct_ = 0;
  bool sampled_ = false;
};

}  // namespace edgesim
