#pragma once
// LinkModel: what one link does to a message: a one-way latency drawn from a distribution, jitter,
// serialization delay from bandwidth, loss, duplication and reordering (a held-back message).
// Pure data plus sampling; the Network decides when to consult it.

#include <cstdint>
#include <string>

#include "sim/core/prng.h"
#include "sim/core/time.h"

namespace edgesim {

enum class LatencyKind { kConstant, kUniform, kNormal, kLognormal, kPareto };

// A one-way latency distribution. Fields used per kind:
//   constant: a = value;  uniform: a = min, b = max;  normal: a = mean, b = stddev;
//   lognormal: a = median, shape = sigma;  pareto: a = scale (minimum), shape = alpha.
// Samples are clamped to >= 0 and rounded to whole nanoseconds.
struct LatencyModel {
  LatencyKind kind = LatencyKind::kConstant;
  Duration a{0};
  Duration b{0};
  double shape = 0;

  Duration sample(Prng& prng) const;
  // The distribution's mean (used as the routing weight); pareto with alpha <= 1 counts as 100a.
  Duration mean() const;
  std::string describe() const;
};

struct LinkSpec {
  LatencyModel latency;        // default: constant 0
  Duration jitter{0};          // extra uniform [0, jitter] per message; default 0
  int64_t bandwidth_bps = 0;   // serialization delay = bytes * 8 / bandwidth; 0 = unlimited
  double loss_ratio = 0;       // probability a message is dropped on this link
  double duplicate_ratio = 0;  // probability a message is delivered twice
  double reorder_ratio = 0;    // probability a message is held back by up to reorder_delay
  Duration reorder_delay{0};   // max hold-back of a reordered message; default 0

  // One traversal: the delay for a message of `bytes` bytes, or nothing if it is lost. Sets
  // `duplicated` when a second copy should follow.
  struct Outcome {
    bool lost = false;
    bool duplicated = false;
    Duration delay{0};
    Duration duplicate_extra{0};  // how much later the duplicate arrives
  };
  Outcome traverse(Prng& prng, size_t bytes) const;
};

}  // namespace edgesim
