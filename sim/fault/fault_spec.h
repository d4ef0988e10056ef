#pragma once
// The kinds of faults the Nemesis injects and the parameters of its random fault mix.

#include <vector>

#include "sim/core/time.h"

namespace edgesim {

enum class FaultKind { kPartition, kHeal, kCrash, kRestart, kClockStep, kDegrade, kRestore };

struct RandomFaultsSpec {
  bool enabled = false;
  Duration mean_interval{5'000'000'000};  // mean time between fault starts (1 / rate)
  std::vector<FaultKind> kinds;           // subset of partition, crash, clock_step, degrade
  Duration duration_min{500'000'000};
  Duration duration_max{3'000'000'000};
  Duration clock_step_max{200'000'000};
  double degrade_loss_ratio = 0.3;
  Duration degrade_extra_latency{50'000'000};
};

}  // namespace edgesim
