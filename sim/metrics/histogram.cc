#include "sim/metrics/histogram.h"

#include <algorithm>
#include <cmath>

namespace edgesim {

void Histogram::sort() const {
  if (sorted_) return;
  std::sort(samples_.begin(), samples_.end());
  sorted_ = true;
}

int64_t Histogram::percentile(double q) const {
  if (samples_.empty()) return 0;
  sort();
  const double clamped = std::clamp(q, 0.0, 100.0);
  size_t rank = static_cast<size_t>(std::ceil(clamped / 100.0 * double(samples_.size())));
  if (rank == 0) rank = 1;
  return samples_[rank - 1];
}

double Histogram::mean() const {
  if (samples_.empty()) return 0;
  long double total = 0;
  for (int64_t s : samples_) total += s;
  return static_cast<double>(total / samples_.size());
}

const std::vector<int64_t>& Histogram::samples() const {
  sort();
  return samples_;
}

}  // namespace edgesim
