#pragma once
// Histogram: exact percentiles over recorded int64 samples (latencies in ns, sizes in bytes).
// Keeps every sample; runs record at most a few million, and exact numbers make reports comparable.

#include <cstdint>
#include <vector>

namespace edgesim {

class Histogram {
 public:
  void record(int64_t sample) {
    samples_.push_back(sample);
    sorted_ = false;
  }
  uint64_t count() const { return samples_.size(); }
  // Nearest-rank percentile, q in [0, 100]; 0 when empty.
  int64_t percentile(double q) const;
  int64_t max() const { return percentile(100); }
  double mean() const;
  const std::vector<int64_t>& samples() const;

 private:
  void sort() const;
  mutable std::vector<int64_t> samples_;
  mutable bool sorted_ = true;
};

}  // namespace edgesim
