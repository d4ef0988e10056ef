#pragma once
// KeyChooser: draws key indices uniformly or from a Zipf distribution (rank r has weight 1/r^s),
// by binary search over a precomputed CDF. One uniform draw per key.

#include <cstdint>
#include <vector>

#include "sim/core/prng.h"
#include "sim/workload/workload_spec.h"

namespace edgesim {

class KeyChooser {
 public:
  KeyChooser(uint32_t keys_count, KeyDistribution distribution, double zipf_exponent);
  uint32_t next(Prng& prng) const;

 private:
  uint32_t keys_count_;
  std::vector<double> cdf_;  // empty for uniform
};

}  // namespace edgesim
