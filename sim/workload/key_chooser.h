#pragma once
// KeyChooser: draws key indices uniformly or from a Zipf distribution (rank r has weight 1/r^s).
// One uniform draw per key. A Zipf draw is the first rank whose cumulative weight exceeds the
// draw (the CDF's upper bound), found through a guide table rather than a binary search.

#include <cstdint>
#include <vector>

#include "sim/core/prng.h"
#include "sim/workload/workload_spec.h"

namespace edgesim {

class KeyChooser {
 public:
  KeyChooser(uint32_t keys_count, KeyDistribution distribution, double zipf_exponent);
  uint32_t next(Prng& prng) const;
  // A Zipf chooser's rank for a uniform draw u in [0, 1): the first rank whose cumulative weight
  // exceeds u (keys_count - 1 at most), exactly as a binary search over the CDF finds it.
  uint32_t rank_of(double u) const;

 private:
  uint32_t keys_count_;
  std::vector<double> cdf_;  // empty for uniform
  // guide_[j] is about the answer for u = j / guide_.size() (Chen & Asau's guide table): the
  // search starts there and steps to the exact rank, a step or two instead of ~log2(keys)
  // unpredictable branches (about 9% of a run of the harness alone on 100 keys).
  std::vector<uint32_t> guide_;
};

}  // namespace edgesim
