#pragma once
// NodeClock: one node's view of time, as a pure function of true simulated time.
//
// - monotonic(t) = t + drift * t. Never steps; drift only (ppb resolution).
// - wall(t) = t + error(t), where the error starts at `offset`, grows with drift, jumps by any
//   scheduled steps, and is reset at each periodic resync (NTP-like) to a value drawn uniformly in
//   [-resync_accuracy, +resync_accuracy]. Steps before a resync are corrected by it.
//
// Resync errors are a pure function of (seed, resync index), so reading the clock never consumes
// randomness and readings at any time in any order agree.

#include <cstdint>
#include <vector>

#include "sim/core/time.h"

namespace edgesim {

struct ClockSpec {
  Duration offset{0};           // initial wall-clock error; default 0
  int64_t drift_ppb = 0;        // rate error in parts per billion (100 ppm = 100'000 ppb)
  Duration resync_interval{0};  // 0 = never resync
  Duration resync_accuracy{0};  // max |error| right after a resync
};

class NodeClock {
 public:
  NodeClock(const ClockSpec& spec, uint64_t seed);

  Instant wall(Instant true_now) const;
  Instant monotonic(Instant true_now) const;

  // Adds a step of `by` to the wall clock at true time `at`; steps must be added in time order.
  void step(Instant at, Duration by);

  // The true duration that makes the monotonic clock advance by `local` (rounded up, so a timer
  // never fires early on its own clock).
  Duration true_span(Duration local) const;

  const ClockSpec& spec() const { return spec_; }

 private:
  struct Step {
    Instant at;
    Duration by;
  };
  Duration resync_error(int64_t index) const;
  Duration drift_over(Duration span) const;

  ClockSpec spec_;
  uint64_t seed_;
  std::vector<Step> steps_;
};

}  // namespace edgesim
