#include "sim/check/convergence.h"

namespace edgesim {

void ConvergenceTracker::sample(Instant at, uint32_t live, uint32_t distinct) {
  sampled_ = true;
  last_live_ = live;
  last_distinct_ = distinct;
  if (distinct <= 1) {
    if (!equal_since_) equal_since_ = at;
  } else {
    equal_since_.reset();
  }
}

ConvergenceVerdict ConvergenceTracker::verdict(Instant reference, Duration within) const {
  ConvergenceVerdict verdict;
  verdict.reference = reference;
  verdict.within = within;
  verdict.live_replicas = last_live_;
  verdict.distinct_values = last_distinct_;
  verdict.converged = sampled_ && equal_since_.has_value();
  if (verdict.converged) {
    const Duration since = *equal_since_ - reference;
    verdict.time_to_converge = since.ns > 0 ? since : Duration{0};
    verdict.ok = *verdict.time_to_converge <= within;
  }
  return verdict;
}

}  // namespace edgesim
