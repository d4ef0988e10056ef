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
  guide_.resize(keys_count);
  for (size_t j = 0; j < guide_.size(); ++j) {
    const double u = double(j) / double(guide_.size());
    guide_[j] = static_cast<uint32_t>(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }
}

uint32_t KeyChooser::rank_of(double u) const {
  EDGESIM_ASSERT(!cdf_.empty(), "rank_of() asked of a uniform KeyChooser");
  const auto bucket = std::min(static_cast<size_t>(u * double(guide_.size())), guide_.size() - 1);
  // The guide is only a start: stepping both ways until cdf_[rank - 1] <= u < cdf_[rank] makes the
  // answer upper_bound's whatever the rounding of the bucket's bounds.
  size_t rank = guide_[bucket];
  while (rank < cdf_.size() && cdf_[rank] <= u) ++rank;
  while (rank > 0 && cdf_[rank - 1] > u) --rank;
  return static_cast<uint32_t>(std::min<size_t>(rank, keys_count_ - 1));
}

uint32_t KeyChooser::next(Prng& prng) const {
  if (cdf_.empty()) return static_cast<uint32_t>(prng.uniform(keys_count_));
  return rank_of(prng.unit());
}

}  // namespace edgesim
