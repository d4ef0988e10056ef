#pragma once
// Turns a finished run into check verdicts: each check the scenario asked for, judged from the
// history, a live replica's final state, the convergence samples and the latency histograms.

#include <map>
#include <optional>
#include <string>

#include "sim/check/convergence.h"
#include "sim/check/divergence.h"
#include "sim/check/history.h"
#include "sim/metrics/histogram.h"
#include "sim/scenario/run.h"
#include "sim/scenario/scenario.h"

namespace edgesim {

struct JudgeInputs {
  const ChecksSpec& checks;
  const History& history;
  DataType type;
  Value final_values;                    // a live replica's observe() (an object), or {}
  ConvergenceVerdict convergence;        // meaningful when checks.convergence is set
  std::optional<Divergence> divergence;  // how the live replicas differ, if they do at the end
  const Histogram& read_latency;
  const Histogram& write_latency;
};

std::map<std::string, CheckOutcome> judge_run(const JudgeInputs& inputs);

}  // namespace edgesim
