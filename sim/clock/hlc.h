#pragma once
// Logical clocks for engines: a hybrid logical clock (Kulkarni et al. 2014) and a Lamport clock.
// Both are plain values an engine owns; they read physical time only through what it passes in.

#include <compare>
#include <cstdint>

#include "sim/core/time.h"

namespace edgesim {

// An HLC timestamp: the max physical time seen, plus a counter for events within it.
struct HlcTimestamp {
  int64_t wall_ns = 0;
  uint32_t logical = 0;
  constexpr auto operator<=>(const HlcTimestamp&) const = default;
};

class Hlc {
 public:
  // A timestamp for a local or send event; strictly greater than every earlier one.
  HlcTimestamp now(Instant physical);
  // Merges a received timestamp; the result is greater than both it and every earlier one.
  HlcTimestamp update(Instant physical, HlcTimestamp received);
  HlcTimestamp last() const { return last_; }
  // Restores after a restart so timestamps stay monotonic across crashes.
  void restore(HlcTimestamp last) { last_ = last; }

 private:
  HlcTimestamp last_;
};

class Lamport {
 public:
  uint64_t tick() { return ++counter_; }
  uint64_t update(uint64_t received) {
    counter_ = (received > counter_ ? received : counter_) + 1;
    return counter_;
  }
  uint64_t last() const { return counter_; }
  void restore(uint64_t last) { counter_ = last; }

 private:
  uint64_t counter_ = 0;
};

}  // namespace edgesim
