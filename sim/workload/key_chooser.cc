#include "sim/workload/key_chooser.h"

#include <algorithm>
#include <cmath>

#include "sim/core/assert.h"

namespace edgesim {

KeyChooser::KeyChooser(uint32_t keys_count, KeyDistribution distribution, double zipf_exponent)
    : keys_count_(keys_count) {
  EDGESIM_ASSERT(keys_count > 0);
  if (distribution == KeyDistribution::kUniform) return;
  EDGESIM_ASSERT(zipf_exponent > 0);
  cdf_.resize(keys_count);
  double total = 0;
  for (uint32_t rank = 0; rank < keys_count; ++rank) {
    total += 1.0 / std::pow(double(rank + 1), zipf_exponent);
    cdf_[rank] = total;
  }
  for (double& c : cdf_) c /= total;
}

uint32_t KeyChooser::next(Prng& prng) const {
  if (cdf_.empty()) return static_cast<uint32_t>(prng.uniform(keys_count_));
  const double u = prng.unit();
  const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
  return static_cast<uint32_t>(std::min<size_t>(size_t(it - cdf_.begin()), keys_count_ - 1));
}

}  // namespace edgesim
